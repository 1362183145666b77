// What a diagnosis rule says: evidence, the sysctls involved with live values, the kernel-accurate why, and the fix.
import type { Snapshot } from './snapshot.js';

export type Severity = 'info' | 'warning' | 'critical';

export interface SysctlRef {
  /** Full name, e.g. `net.core.somaxconn`. */
  name: string;
  /** Live value in the netns the snapshot describes, undefined when unreadable. */
  value: string | undefined;
  /** Why this setting matters to this finding. */
  role: string;
}

export interface Finding {
  /** Stable kebab-case id, e.g. `accept-queue-overflow`. */
  id: string;
  severity: Severity;
  /** One line, what is happening. */
  title: string;
  /** Numbers from this snapshot / window. */
  evidence: Record<string, number | string>;
  sysctls: SysctlRef[];
  /** Kernel-accurate explanation (computed from live values). */
  explanation: string;
  /** Exact commands or actions. */
  advice: string[];
  /** When the finding first fired in this session (ms epoch). */
  since: number;
}

/** A stateful rule engine (src/diagnose createDiagnoser): the pipeline calls it once per snapshot, in time order. */
export interface Diagnoser {
  evaluate(snapshot: Snapshot): Finding[];
}
