// Engine hysteresis and determinism (replay must reproduce live findings).
import { describe, expect, it } from 'vitest';
import { createDiagnoser } from '../../../src/diagnose/engine.js';
import type { Rule } from '../../../src/diagnose/rule.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { series } from './factory.js';

const when = (id: string, kind: Rule['kind']): Rule => ({
  id,
  kind,
  evaluate: (ctx) =>
    (ctx.snapshot.counters[id] ?? 0) > 0
      ? {
          id,
          severity: 'warning',
          title: `${id} ${ctx.snapshot.counters[id]}`,
          evidence: { n: ctx.snapshot.counters[id] ?? 0 },
          sysctls: [],
          explanation: '',
          advice: [],
        }
      : undefined,
});

function run(snaps: Snapshot[], rules: Rule[], opts = {}): string[][] {
  const d = createDiagnoser({ rules, ...opts });
  return snaps.map((s) => d.evaluate(s).map((f) => `${f.id}@${f.since}:${f.title}`));
}

describe('createDiagnoser', () => {
  it('raises an event rule at once, keeps it through short quiet spells, clears after clearAfter quiet intervals', () => {
    const on = [0, 1, 0, 1, 0, 0, 0, 0];
    const snaps = series(on.length, (i) => ({ counters: { ev: on[i] ?? 0 } }));
    const t = (i: number): number => snaps[i]?.time ?? -1;
    expect(run(snaps, [when('ev', 'event')], { clearAfter: 3 })).toEqual([
      [],
      [`ev@${t(1)}:ev 1`],
      [`ev@${t(1)}:ev 1`],
      [`ev@${t(1)}:ev 1`],
      [`ev@${t(1)}:ev 1`],
      [`ev@${t(1)}:ev 1`],
      [],
      [],
    ]);
  });

  it('raises a state rule only after raiseAfter consecutive intervals (no flapping)', () => {
    const on = [1, 0, 1, 0, 1, 1, 1];
    const snaps = series(on.length, (i) => ({ counters: { st: on[i] ?? 0 } }));
    const out = run(snaps, [when('st', 'state')], { raiseAfter: 2 });
    expect(out.slice(0, 5)).toEqual([[], [], [], [], []]);
    expect(out[5]).toEqual([`st@${snaps[5]?.time}:st 1`]);
    expect(out[6]).toEqual([`st@${snaps[5]?.time}:st 1`]);
  });

  it('is deterministic: the same sequence gives the same findings (replay == live)', () => {
    const snaps = series(30, (i) => ({ counters: { a: i % 7 === 0 ? 1 : 0, b: i % 3 === 0 ? 0 : 1 } }));
    const rules = [when('a', 'event'), when('b', 'state')];
    expect(run(snaps, rules)).toEqual(run(snaps, rules));
  });

  it('bounds the history', () => {
    const seen: number[] = [];
    const probe: Rule = {
      id: 'h',
      kind: 'event',
      evaluate: (ctx) => {
        seen.push(ctx.history.length);
        return undefined;
      },
    };
    const d = createDiagnoser({ rules: [probe], historySize: 3 });
    for (const s of series(5, () => ({}))) d.evaluate(s);
    expect(seen).toEqual([1, 2, 3, 3, 3]);
  });

  it('runs the real rules on a quiet snapshot without findings', () => {
    const d = createDiagnoser();
    expect(d.evaluate(series(1, () => ({}))[0] as Snapshot)).toEqual([]);
  });
});
