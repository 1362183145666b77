// The key rates of the "State transitions" panel, from eBPF transitions/events or, in procfs mode, counter deltas.
import { counterOf, type Snapshot } from '../../model/snapshot.js';
import { perSecond } from './format.js';

export type RateKey =
  'newActive' | 'newPassive' | 'closes' | 'resetsSent' | 'resetsReceived' | 'synackRetrans' | 'synRetrans';

export interface RateDef {
  key: RateKey;
  /** Label with eBPF data, and its short form for narrow panels. */
  label: string;
  short: string;
  /** Labels in procfs mode (what the counter really measures), undefined when procfs has no equivalent. */
  procfsLabel: string | undefined;
  procfsShort: string | undefined;
  /** Count in the interval from eBPF data. */
  ebpf: (s: Snapshot) => number;
  /** Count in the interval from counter deltas. */
  procfs: ((s: Snapshot) => number) | undefined;
}

const t = (s: Snapshot, key: string): number => s.transitions[key] ?? 0;
const c = counterOf;

export const RATE_DEFS: readonly RateDef[] = [
  {
    key: 'newActive',
    label: 'new out (connect)',
    short: 'new out',
    procfsShort: 'new out',
    procfsLabel: 'new out (ActiveOpens)',
    ebpf: (s) => t(s, 'CLOSE->SYN_SENT'),
    procfs: (s) => c(s, 'TcpActiveOpens'),
  },
  {
    key: 'newPassive',
    label: 'new in (accepted)',
    short: 'new in',
    procfsShort: 'new in',
    procfsLabel: 'new in (PassiveOpens)',
    ebpf: (s) => t(s, 'SYN_RECV->ESTABLISHED'),
    procfs: (s) => c(s, 'TcpPassiveOpens'),
  },
  {
    key: 'closes',
    label: 'closes',
    short: 'closes',
    procfsShort: undefined,
    procfsLabel: undefined,
    ebpf: (s) => Object.entries(s.transitions).reduce((n, [k, v]) => (k.endsWith('->CLOSE') ? n + v : n), 0),
    procfs: undefined,
  },
  {
    key: 'resetsSent',
    label: 'resets sent',
    short: 'RST sent',
    procfsShort: 'RST sent',
    procfsLabel: 'resets sent (OutRsts)',
    ebpf: (s) => s.events.resetsSent,
    procfs: (s) => c(s, 'TcpOutRsts'),
  },
  {
    key: 'resetsReceived',
    label: 'resets received',
    short: 'RST recv',
    procfsShort: 'estab RST',
    procfsLabel: 'estab resets (EstabResets)',
    ebpf: (s) => s.events.resetsReceived,
    procfs: (s) => c(s, 'TcpEstabResets'),
  },
  {
    key: 'synackRetrans',
    label: 'SYN-ACK retrans',
    short: 'SYNACK rtx',
    procfsShort: 'SYN* rtx',
    procfsLabel: 'SYN+SYN-ACK retrans',
    ebpf: (s) => s.events.synackRetrans,
    procfs: (s) => c(s, 'TcpExtTCPSynRetrans'),
  },
  {
    key: 'synRetrans',
    label: 'SYN retrans',
    short: 'SYN rtx',
    procfsShort: undefined,
    procfsLabel: undefined,
    ebpf: (s) => s.events.synRetrans,
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
    const count = ebpf ? d.ebpf(s) : d.procfs?.(s);
    out[d.key] = count === undefined ? undefined : perSecond(count, s.intervalMs);
  }
  return out;
}

export function rateLabel(d: RateDef, ebpf: boolean, short = false): string | undefined {
  if (short) return ebpf ? d.short : d.procfsShort;
  return ebpf ? d.label : d.procfsLabel;
}
