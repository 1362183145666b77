// Runs every rule on each snapshot with hysteresis (raise after N, clear after M quiet intervals): deterministic, so a
// replay of the same snapshots yields exactly the live findings (time comes only from snapshot.time).
import { withPersistence } from './persist-advice.js';
import type { Diagnoser, Finding, Severity } from '../model/finding.js';
import type { Snapshot } from '../model/snapshot.js';
import type { PeerListener } from '../model/peer-listener.js';
import type { FindingDraft, Rule } from './rule.js';
import { makeContext } from './context.js';
import { RULES } from './rules/index.js';

export interface DiagnoserOptions {
  rules?: Rule[];
  /** Snapshots kept for rules looking at a window (default 120: 2 min at 1 s). */
  historySize?: number;
  /** Consecutive intervals a 'state' rule must hold before it is raised (default 2; 'event' rules: 1). */
  raiseAfter?: number;
  /** Quiet intervals before a raised finding clears (default 5); meanwhile its last evidence is shown. */
  clearAfter?: number;
  /** Whole-host mode: the host netns's current sysctls, for rules comparing a netns with the host (sysctl-drift). */
  reference?: () => Record<string, string> | undefined;
  /** Whole-host mode: the listeners of every netns with their recent drops (cross-netns connect attribution). */
  peers?: () => readonly PeerListener[] | undefined;
}

interface RuleState {
  holding: number;
  quiet: number;
  since: number | undefined;
  last: FindingDraft | undefined;
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export type { Diagnoser };

export function createDiagnoser(opts: DiagnoserOptions = {}): Diagnoser {
  const rules = opts.rules ?? RULES;
  const historySize = Math.max(1, opts.historySize ?? 120);
  const raiseAfter = Math.max(1, opts.raiseAfter ?? 2);
  const clearAfter = Math.max(1, opts.clearAfter ?? 5);
  const history: Snapshot[] = [];
  const states = new Map<string, RuleState>(
    rules.map((r) => [r.id, { holding: 0, quiet: 0, since: undefined, last: undefined }]),
  );

  return {
    evaluate(snapshot) {
      history.push(snapshot);
      if (history.length > historySize) history.splice(0, history.length - historySize);
      const ctx = makeContext(snapshot, history, opts.reference?.(), opts.peers?.());
      const out: Finding[] = [];
      for (const rule of rules) {
        const st = states.get(rule.id);
        if (!st) continue;
        const draft = rule.evaluate(ctx);
        if (draft) {
          st.holding += 1;
          st.quiet = 0;
          const need = rule.kind === 'event' ? 1 : raiseAfter;
          if (st.since === undefined && st.holding >= need) st.since = snapshot.time;
          if (st.since !== undefined) st.last = draft;
        } else {
          st.holding = 0;
          if (st.since !== undefined) {
            st.quiet += 1;
            if (st.quiet >= clearAfter) {
              st.since = undefined;
              st.last = undefined;
              st.quiet = 0;
            }
          }
        }
        // In a container's netns the fix must also say how to keep it (docker run --sysctl, pod securityContext…).
        if (st.since !== undefined && st.last)
          out.push({ ...st.last, advice: withPersistence(st.last.advice, snapshot.netns), since: st.since });
      }
      return out.sort((a, b) => RANK[a.severity] - RANK[b.severity] || a.id.localeCompare(b.id));
    },
  };
}
