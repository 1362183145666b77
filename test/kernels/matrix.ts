// The kernels of the matrix and what each must show; shared by matrix.test.ts and scripts/kernels/readme-table.ts.
import type { StepResult } from './result.js';

export interface MatrixKernel {
  /** scripts/kernels/run VERSION (`host`: this machine's kernel, natively). */
  version: string;
  distro: string;
  /** test/fixtures/kernels/<fixture> must equal this kernel's real format files. */
  fixture: string | undefined;
  /** Probe variant per feature (host: whatever its format files allow, checked against them). */
  variants: Record<string, string> | undefined;
  /** Number of skb_drop_reason / sk_rst_reason names in the format files (0: no reason field). */
  dropReasons: number | undefined;
  resetReasons: number | undefined;
  /**
   * Whether the probes see the RST answering a segment with no socket. 6.10+ traces it (tcp_send_reset with a reason);
   * 5.17–6.9 through its NO_SOCKET drop; 5.10 has neither (no reason on kfree_skb, tcp_send_reset only for full
   * sockets): a documented limitation (docs/kernels.md), checked as such. TcpOutRsts still counts them.
   */
  noSocketResets: boolean;
  /**
   * Whether a listener's SYN queue is full AT min(backlog, somaxconn) (5.10.223: `>=`) rather than past it (6.1.176,
   * 6.18: `>`): the accept-overflow burst of backlog+1 SYNs then gets one syncookie (docs/kernels.md).
   */
  synQueueFullAtBacklog: boolean;
}

const common = {
  states: 'states.bt',
  synack: 'synack.bt',
  'reset-received': 'reset-received.bt',
  retrans: 'retrans.bt',
  connlat: 'connlat.bt',
};

export const MATRIX: MatrixKernel[] = [
  {
    version: 'host',
    distro: 'this machine',
    fixture: undefined,
    variants: undefined,
    dropReasons: undefined,
    resetReasons: undefined,
    noSocketResets: true,
    synQueueFullAtBacklog: false,
  },
  {
    version: '5.10',
    distro: 'Debian 11 (bullseye)',
    fixture: '5.10',
    variants: { ...common, drops: 'drops-noreason.bt', 'reset-sent': 'reset-sent-noreason.bt' },
    dropReasons: 0,
    resetReasons: 0,
    noSocketResets: false,
    synQueueFullAtBacklog: true,
  },
  {
    version: '6.1',
    distro: 'Debian 12 (bookworm)',
    fixture: '6.1',
    variants: { ...common, drops: 'drops.bt', 'reset-sent': 'reset-sent-noreason.bt' },
    dropReasons: 65,
    resetReasons: 0,
    noSocketResets: true,
    synQueueFullAtBacklog: false,
  },
];

/** The lab scenarios run in every kernel (titles of test/integration/scenario-cases.ts). */
export const CORE_SCENARIOS = [
  'accept-overflow',
  'synack-retrans',
  'rst-closed-port',
  'close-wait-leak',
  'time-wait (client netns)',
];

export const RESULTS_FILE = '.cache/kernels/matrix-results.json';
/** test/kernels/guest.ts bundled (see bundleGuest in matrix.test.ts). */
export const GUEST_BUNDLE = '.cache/kernels/guest/guest.mjs';

export interface KernelRun {
  version: string;
  /** Debian package name and version (or `host (<uname -r>)`). */
  package: string;
  /** scripts/kernels/fetch: download + extract + initramfs (≈ 0 when cached). */
  fetchMs: number;
  /** scripts/kernels/run: boot + guest suite + power-off. */
  runMs: number;
  exitCode: number;
  output: string;
  result: import('./result.js').GuestResult | undefined;
}

export interface MatrixResults {
  date: string;
  kernels: (Omit<KernelRun, 'output' | 'result'> & {
    result: undefined;
    /** uname -r, timed steps and the format files as the guest read them (scripts/kernels/write-fixtures.ts). */
    summary: { kernel: string; steps: StepResult[]; formats: Record<string, string> } | undefined;
  })[];
}
