// Every computed timeline of the TCP sysctls in force, as one JSON-able object (`tcpscope sysctl --json` → timelines).
import {
  effectiveOrphanRetries,
  finWait2HoldMs,
  keepaliveDetectionMs,
  portCapacity,
  synackSchedule,
  synSchedule,
  RTO_MAX_MS,
  TIME_WAIT_MS,
  type PortCapacity,
} from './timelines.js';
import { sysctlNumber } from './values.js';

export interface Timelines {
  /** Client connect() gives up after this long (ETIMEDOUT) with no answer. */
  synGiveUpMs: number | undefined;
  synRetransmitsAtMs: number[] | undefined;
  /** Linear (1 s) SYN timeouts in force; 0 on kernels without tcp_syn_linear_timeouts. */
  synLinearTimeouts: number;
  /** A half-open request (server SYN_RECV) is dropped after this long. */
  synackGiveUpMs: number | undefined;
  synackRetransmitsAtMs: number[] | undefined;
  timeWaitMs: number;
  finWait2HoldMs: number | undefined;
  keepaliveDetectionMs: number | undefined;
  orphanRetries: number | undefined;
  /** Accept queue capacity a listen(fd, large) gets: net.core.somaxconn. */
  acceptQueueCap: number | undefined;
  ports: PortCapacity | undefined;
}

export function computeTimelines(get: (name: string) => string | undefined): Timelines {
  const n = (name: string): number | undefined => sysctlNumber(get(name));
  const synRetries = n('net.ipv4.tcp_syn_retries');
  const linear = n('net.ipv4.tcp_syn_linear_timeouts') ?? 0;
  const rtoMax = n('net.ipv4.tcp_rto_max_ms') ?? RTO_MAX_MS;
  const syn = synRetries === undefined ? undefined : synSchedule(synRetries, linear, rtoMax);
  const synackRetries = n('net.ipv4.tcp_synack_retries');
  const synack = synackRetries === undefined ? undefined : synackSchedule(synackRetries);
  const finTimeout = n('net.ipv4.tcp_fin_timeout');
  const kaTime = n('net.ipv4.tcp_keepalive_time');
  const kaProbes = n('net.ipv4.tcp_keepalive_probes');
  const kaIntvl = n('net.ipv4.tcp_keepalive_intvl');
  const orphan = n('net.ipv4.tcp_orphan_retries');
  const range = get('net.ipv4.ip_local_port_range');
  return {
    synGiveUpMs: syn?.giveUpMs,
    synRetransmitsAtMs: syn?.retransmitsAtMs,
    synLinearTimeouts: linear,
    synackGiveUpMs: synack?.giveUpMs,
    synackRetransmitsAtMs: synack?.retransmitsAtMs,
    timeWaitMs: TIME_WAIT_MS,
    finWait2HoldMs: finTimeout === undefined ? undefined : finWait2HoldMs(finTimeout),
    keepaliveDetectionMs:
      kaTime === undefined || kaProbes === undefined || kaIntvl === undefined
        ? undefined
        : keepaliveDetectionMs(kaTime, kaProbes, kaIntvl),
    orphanRetries: orphan === undefined ? undefined : effectiveOrphanRetries(orphan),
    acceptQueueCap: n('net.core.somaxconn'),
    ports: range === undefined ? undefined : portCapacity(range),
  };
}
