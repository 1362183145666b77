// The contract of one diagnosis rule: a pure function of the current snapshot and a bounded history.
import type { Finding, SysctlRef } from '../model/finding.js';
import type { Snapshot } from '../model/snapshot.js';
import type { PeerListener } from '../model/peer-listener.js';

/** A finding as a rule produces it; the engine adds `since`. */
export type FindingDraft = Omit<Finding, 'since'>;

export interface RuleContext {
  snapshot: Snapshot;
  /** Oldest → newest, the current snapshot last; bounded by the engine's historySize. */
  history: readonly Snapshot[];
  /** Live value in the snapshot's netns, undefined when unreadable / absent on this kernel. */
  sysctl(name: string): string | undefined;
  /** First integer of the live value. */
  num(name: string): number | undefined;
  /**
   * Whole-host mode, a netns other than the host's: the host netns's sysctls (what the operator tuned), for rules
   * comparing a namespace with the host (sysctl-drift). Undefined in single-netns mode and for the host netns.
   */
  reference?: Record<string, string> | undefined;
  /**
   * Whole-host mode: the listeners of every netns of the host with their netns's recent queue drops, so a rule in a
   * client's netns can name the server netns whose queue dropped its SYNs. Undefined in single-netns mode.
   */
  peers?: readonly PeerListener[] | undefined;
  /** A finding's sysctl row: the name, its live value here, and why it matters to this finding. */
  ref(name: string, role: string): SysctlRef;
}

export interface Rule {
  /** Stable kebab-case id, also the finding id. */
  id: string;
  /**
   * 'event': raised the first interval it holds (drops, resets: each one already hurt a client);
   * 'state': raised only after it holds `raiseAfter` consecutive intervals (levels that may be momentary).
   */
  kind: 'event' | 'state';
  evaluate(ctx: RuleContext): FindingDraft | undefined;
}
