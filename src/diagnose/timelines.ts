// Pure functions turning live sysctl values into what they mean on this kernel (give-up times, capacities), as tcp_timer.c does.

/** TCP_TIMEOUT_INIT: the initial RTO of a SYN / SYN-ACK. */
export const INITIAL_RTO_MS = 1000;
/** TCP_RTO_MAX (net.ipv4.tcp_rto_max_ms, 6.15+, may lower it for the doubling). */
export const RTO_MAX_MS = 120_000;
/** TCP_TIMEWAIT_LEN: fixed, not tunable (tcp_fin_timeout does not change it). */
export const TIME_WAIT_MS = 60_000;

export interface RetransmitSchedule {
  /** Times (ms after the first transmission) of every retransmission. */
  retransmitsAtMs: number[];
  /** When the kernel gives up (ETIMEDOUT for a connect, request dropped for a SYN-ACK). */
  giveUpMs: number;
}

/** tcp_model_timeout(): the time bound retransmits_timed_out() applies next to the retry count. */
export function modelTimeoutMs(boundary: number, rtoBaseMs = INITIAL_RTO_MS): number {
  const thresh = Math.floor(Math.log2(RTO_MAX_MS / rtoBaseMs));
  if (boundary <= thresh) return ((2 << boundary) - 1) * rtoBaseMs;
  return ((2 << thresh) - 1) * rtoBaseMs + (boundary - thresh) * RTO_MAX_MS;
}

/**
 * A client SYN (tcp_retransmit_timer + tcp_write_timeout, SYN_SENT): the RTO starts at 1 s and doubles, except that
 * with tcp_syn_linear_timeouts = L (kernels since 2023) it stays 1 s while fewer than L+1 retransmits were made; the connect
 * expires when the retransmit count reaches syn_retries + L, or, at a timer firing, when the time since the first SYN
 * reaches tcp_model_timeout(syn_retries). Without linear timeouts (older kernels, L = 0): 6 → 1,3,7,15,31,63 s, 127 s.
 * With L = 4 (default): 6 → 1,2,3,4,5,7,11,19,35,67 s, gives up at 131 s.
 */
export function synSchedule(synRetries: number, linearTimeouts = 0, rtoMaxMs = RTO_MAX_MS): RetransmitSchedule {
  const maxRetransmits = synRetries + linearTimeouts;
  const timeBound = modelTimeoutMs(synRetries);
  const retransmitsAtMs: number[] = [];
  let t = 0;
  let rto = INITIAL_RTO_MS;
  let backoff = 0;
  for (;;) {
    t += rto;
    const r = retransmitsAtMs.length;
    if (r >= maxRetransmits || (r > 0 && t >= timeBound)) return { retransmitsAtMs, giveUpMs: t };
    retransmitsAtMs.push(t);
    backoff += 1;
    if (backoff > linearTimeouts) rto = Math.min(rto * 2, rtoMaxMs);
  }
}

/**
 * A server's SYN-ACK for a request in the SYN queue (reqsk_timer_handler): timeout 1 s << num_timeout, dropped once
 * num_timeout reaches tcp_synack_retries (5 → 1,3,7,15,31 s, gone at 63 s). When the SYN queue is more than half
 * full, old requests get fewer retries (toward 2).
 */
export function synackSchedule(synackRetries: number): RetransmitSchedule {
  const retransmitsAtMs: number[] = [];
  let t = 0;
  for (let n = 0; ; n++) {
    t += Math.min(INITIAL_RTO_MS * 2 ** n, RTO_MAX_MS);
    if (n >= synackRetries) return { retransmitsAtMs, giveUpMs: t };
    retransmitsAtMs.push(t);
  }
}

/** tcp_orphan_retries = 0 means 8 (tcp_orphan_retries() in tcp_timer.c). */
export function effectiveOrphanRetries(value: number): number {
  return value === 0 ? 8 : value;
}

/** Dead peer detected after keepalive_time + probes × intvl (only sockets with SO_KEEPALIVE). */
export function keepaliveDetectionMs(timeS: number, probes: number, intvlS: number): number {
  return (timeS + probes * intvlS) * 1000;
}

/** How long an orphaned FIN_WAIT2 socket is kept: tcp_fin_timeout (TIME_WAIT is not affected). */
export function finWait2HoldMs(finTimeoutS: number): number {
  return finTimeoutS * 1000;
}

export interface PortCapacity {
  low: number;
  high: number;
  /** Usable ports = concurrent outgoing connections to one destination (addr, port) from one source address. */
  ports: number;
  /** New connections per second to one destination sustainable while each closed one sits 60 s in TIME_WAIT. */
  perSecond: number;
}

/** ip_local_port_range "32768\t60999" → capacity per destination 4-tuple. */
export function portCapacity(range: string): PortCapacity | undefined {
  const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(range);
  if (!m) return undefined;
  const low = Number(m[1]);
  const high = Number(m[2]);
  if (high < low) return undefined;
  const ports = high - low + 1;
  return { low, high, ports, perSecond: Math.floor(ports / (TIME_WAIT_MS / 1000)) };
}

/** "1,3,7,15,31 s" */
export function formatSeconds(ms: readonly number[]): string {
  return `${ms.map((v) => fmtS(v)).join(',')} s`;
}

export function fmtS(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? String(s) : s.toFixed(1);
}
