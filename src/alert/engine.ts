// The alert state machine: inactive → pending (for) → firing → resolved, with cooldown and hysteresis, per netns.
import type { Snapshot } from '../model/snapshot.js';
import type { AlertRule } from './rule.js';
import type { AlertEvent } from './event.js';
import { fmtNumber, netnsLabel } from './event.js';
import { compare, evalBool, evalNum, lookback } from './evaluate.js';

export interface AlertEngine {
  /** Feed one snapshot (in time order per netns); returns the state changes it caused. Never reads the clock. */
  evaluate(snapshot: Snapshot): AlertEvent[];
}

interface RuleState {
  firing: boolean;
  /** Start of the interval where the condition became (and stayed) true, while not firing. */
  trueSince: number | undefined;
  /** Start of the interval where the firing condition became (and stayed) false. */
  falseSince: number | undefined;
  lastFiredAt: number | undefined;
}

/** Half an interval of slack, so wall-clock jitter of live intervals does not cost a whole extra interval. */
const reached = (elapsed: number, wanted: number, intervalMs: number): boolean => elapsed >= wanted - intervalMs / 2;

const MAX_HISTORY = 4096;

export function createAlertEngine(rules: readonly AlertRule[]): AlertEngine {
  const perNetns = new Map<string, { history: Snapshot[]; states: RuleState[] }>();

  function holds(
    rule: AlertRule,
    history: readonly Snapshot[],
    firing: boolean,
  ): { ok: boolean; value: number; threshold?: number } {
    const c = rule.condition;
    if (c.kind === 'cmp') {
      const value = evalNum(c.left, history);
      const threshold = evalNum(firing && rule.clear !== undefined ? rule.clear : c.right, history);
      return { ok: compare(c.op, value, threshold), value, threshold };
    }
    const ok = evalBool(c, history);
    return { ok, value: ok ? 1 : 0 };
  }

  function event(
    rule: AlertRule,
    s: Snapshot,
    state: 'firing' | 'resolved',
    r: { value: number; threshold?: number },
  ): AlertEvent {
    const c = rule.condition;
    const cmp =
      c.kind === 'cmp' && r.threshold !== undefined
        ? ` (${fmtNumber(r.value)} ${c.op} ${fmtNumber(r.threshold)} is ${state === 'firing'})`
        : '';
    const message = `${rule.name} ${state} in ${netnsLabel(s.netns)}: ${rule.expr}${cmp}`;
    const e: AlertEvent = {
      type: 'alert',
      name: rule.name,
      expr: rule.expr,
      state,
      value: r.value,
      time: s.time,
      netns: s.netns,
      severity: rule.severity,
      message,
    };
    if (r.threshold !== undefined) e.threshold = r.threshold;
    return e;
  }

  return {
    evaluate(s: Snapshot): AlertEvent[] {
      // State per netns, by inode and name: lab inodes are reused, and a concatenated recording's next segment (seq
      // back to 0) starts over, so its events carry its own netns and never resolve the previous segment's (item 17).
      const key = `${s.netns.inode}/${s.netns.name ?? ''}`;
      let ns = perNetns.get(key);
      const last = ns?.history[ns.history.length - 1];
      if (last !== undefined && s.seq < last.seq) ns = undefined;
      if (ns === undefined) {
        ns = {
          history: [],
          states: rules.map(() => ({
            firing: false,
            trueSince: undefined,
            falseSince: undefined,
            lastFiredAt: undefined,
          })),
        };
        perNetns.set(key, ns);
      }
      ns.history.push(s);
      const keep = Math.min(
        MAX_HISTORY,
        Math.max(
          1,
          ...rules.map((r) =>
            Math.max(lookback(r.condition, s.intervalMs), r.clear === undefined ? 1 : lookback(r.clear, s.intervalMs)),
          ),
        ),
      );
      if (ns.history.length > keep) ns.history.splice(0, ns.history.length - keep);

      const out: AlertEvent[] = [];
      const start = s.time - s.intervalMs;
      rules.forEach((rule, i) => {
        const st = ns.states[i]!;
        // Hysteresis applies from the first true interval: a pending rule (waiting for `for`) is held by the clear
        // threshold too, as Netdata raises the status at once and only delays the notification.
        const r = holds(rule, ns.history, st.firing || st.trueSince !== undefined);
        if (!st.firing) {
          if (!r.ok) {
            st.trueSince = undefined;
            return;
          }
          st.trueSince ??= start;
          const held = reached(s.time - st.trueSince, rule.forMs, s.intervalMs);
          const cooled =
            st.lastFiredAt === undefined || reached(s.time - st.lastFiredAt, rule.cooldownMs, s.intervalMs);
          if (held && cooled) {
            st.firing = true;
            st.falseSince = undefined;
            st.lastFiredAt = s.time;
            out.push(event(rule, s, 'firing', r));
          }
          return;
        }
        if (r.ok) {
          st.falseSince = undefined;
          return;
        }
        st.falseSince ??= start;
        if (reached(s.time - st.falseSince, rule.clearAfterMs, s.intervalMs)) {
          st.firing = false;
          st.trueSince = undefined;
          st.falseSince = undefined;
          out.push(event(rule, s, 'resolved', r));
        }
      });
      return out;
    },
  };
}
