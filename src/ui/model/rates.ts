// The key rates of the "State transitions" panel, from eBPF transitions/events or, in procfs mode, counter deltas.
import { counterOf, type Snapshot } from '../../model/snapshot.js';
import { perSecond } from './format.js';

export type RateKey =
  'newActive' | 'newPassive' | 'closes' | 'resetsSent' | 'resetsReceived' | 'synackRetrans' | 'synRetrans';

/** One source of a rate: its label (and short form for narrow panels) and its count in the interval. */
export interface RateSource {
  label: string;
  short: string;
  count: (s: Snapshot) => number;
}

export interface RateDef {
  key: RateKey;
  /** From eBPF transitions and events. */
  ebpf: RateSource;
  /** From counter deltas in procfs mode, labelled by what the counter really measures; undefined without one. */
  procfs: RateSource | undefined;
}

const t = (s: Snapshot, key: string): number => s.transitions[key] ?? 0;
const c = counterOf;

export const RATE_DEFS: readonly RateDef[] = [
  {
    key: 'newActive',
    ebpf: { label: 'new out (connect)', short: 'new out', count: (s) => t(s, 'CLOSE->SYN_SENT') },
    procfs: { label: 'new out (ActiveOpens)', short: 'new out', count: (s) => c(s, 'TcpActiveOpens') },
  },
  {
    key: 'newPassive',
    ebpf: { label: 'new in (accepted)', short: 'new in', count: (s) => t(s, 'SYN_RECV->ESTABLISHED') },
    procfs: { label: 'new in (PassiveOpens)', short: 'new in', count: (s) => c(s, 'TcpPassiveOpens') },
  },
  {
    key: 'closes',
    ebpf: {
      label: 'closes',
      short: 'closes',
      count: (s) => Object.entries(s.transitions).reduce((n, [k, v]) => (k.endsWith('->CLOSE') ? n + v : n), 0),
    },
    procfs: undefined,
  },
  {
    key: 'resetsSent',
    ebpf: { label: 'resets sent', short: 'RST sent', count: (s) => s.events.resetsSent },
    procfs: { label: 'resets sent (OutRsts)', short: 'RST sent', count: (s) => c(s, 'TcpOutRsts') },
  },
  {
    key: 'resetsReceived',
    ebpf: { label: 'resets received', short: 'RST recv', count: (s) => s.events.resetsReceived },
    procfs: { label: 'estab resets (EstabResets)', short: 'estab RST', count: (s) => c(s, 'TcpEstabResets') },
  },
  {
    key: 'synackRetrans',
    ebpf: { label: 'SYN-ACK retrans', short: 'SYNACK rtx', count: (s) => s.events.synackRetrans },
    procfs: { label: 'SYN+SYN-ACK retrans', short: 'SYN* rtx', count: (s) => c(s, 'TcpExtTCPSynRetrans') },
  },
  {
    key: 'synRetrans',
    ebpf: { label: 'SYN retrans', short: 'SYN rtx', count: (s) => s.events.synRetrans },
    procfs: undefined,
  },
];

/** Does this snapshot carry eBPF data (live eBPF, or a replay of an eBPF recording)? */
export function hasEbpf(s: Snapshot): boolean {
  return s.mode !== 'procfs';
}

/** Per-second key rates of one snapshot; undefined where the mode has no source for that rate. */
export function keyRates(s: Snapshot): Record<RateKey, number | undefined> {
  const ebpf = hasEbpf(s);
  const out = {} as Record<RateKey, number | undefined>;
  for (const d of RATE_DEFS) {
    const source = ebpf ? d.ebpf : d.procfs;
    out[d.key] = source === undefined ? undefined : perSecond(source.count(s), s.intervalMs);
  }
  return out;
}

export function rateLabel(d: RateDef, ebpf: boolean, short = false): string | undefined {
  const source = ebpf ? d.ebpf : d.procfs;
  return short ? source?.short : source?.label;
}
