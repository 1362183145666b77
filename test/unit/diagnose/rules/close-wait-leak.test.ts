// Rule close-wait-leak on synthetic snapshots: evidence numbers, live sysctl values, computed explanation and exact advice.
import { describe, expect, it } from 'vitest';
import { closeWaitLeak } from '../../../../src/diagnose/rules/close-wait-leak.js';
import { ctxOf, series } from '../factory.js';

describe('close-wait-leak', () => {
  it('is silent when CLOSE_WAIT is steady or small', () => {
    expect(closeWaitLeak.evaluate(ctxOf(...series(5, () => ({ states: { CLOSE_WAIT: 50 } }))))).toBeUndefined();
    expect(closeWaitLeak.evaluate(ctxOf(...series(5, (i) => ({ states: { CLOSE_WAIT: i } }))))).toBeUndefined();
  });

  it('names the process whose CLOSE_WAIT count grows, and says no sysctl fixes it', () => {
    const snaps = series(11, (i) => ({
      states: { CLOSE_WAIT: 100 + i * 4 },
      owners: [
        { state: 'CLOSE_WAIT', pid: 4242, comm: 'java', count: 100 + i * 4 },
        { state: 'CLOSE_WAIT', pid: 7, comm: 'x', count: 1 },
      ],
    }));
    const f = closeWaitLeak.evaluate(ctxOf(...snaps));
    expect(f?.severity).toBe('critical');
    expect(f?.evidence).toMatchObject({
      closeWait: 140,
      growth: 40,
      windowS: 10,
      pid: 4242,
      comm: 'java',
      ownedByTop: 140,
    });
    expect(f?.title).toBe(
      '140 sockets in CLOSE_WAIT (+40 in 10 s), 140 owned by pid 4242 (java): the application is not calling close()',
    );
    expect(f?.sysctls).toEqual([]);
    expect(f?.advice).toContain(
      'no sysctl fixes this: the kernel keeps a CLOSE_WAIT socket until the application closes it or exits',
    );
  });
});
