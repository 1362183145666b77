// Sliding-window rates over snapshot streams: marble tests (TestScheduler) on snapshot time, plus the pure window math.
import { describe, expect, it } from 'vitest';
import { map, type OperatorFunction } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { slidingRates, windowRates, type WindowRates } from '../../../src/pipeline/rates.js';
import { slidingWindow, pushWindow } from '../../../src/pipeline/window.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { snap } from '../diagnose/factory.js';

const T0 = 1_700_000_000_000;
const at = (sec: number, overflows: number, extra: Partial<Parameters<typeof snap>[0]> = {}): Snapshot =>
  snap({ seq: sec, time: T0 + sec * 1000, counters: overflows ? { TcpExtListenOverflows: overflows } : {}, ...extra });

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Only what the marble assertions compare. */
const brief = (r: WindowRates): { n: number; covered: number; ovf: number | undefined } => ({
  n: r.samples,
  covered: r.coveredMs,
  ovf: r.counters.TcpExtListenOverflows,
});

describe('slidingRates (marbles)', () => {
  it('averages counters per second over the last 3 s of snapshot time', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c-d|', { a: at(1, 6), b: at(2, 0), c: at(3, 3), d: at(4, 0) });
      const out = src.pipe(slidingRates(3000));
      expectObservable(out.pipe(mapBrief())).toBe('a-b-c-d|', {
        a: { n: 1, covered: 1000, ovf: 6 },
        b: { n: 2, covered: 2000, ovf: 3 },
        c: { n: 3, covered: 3000, ovf: 3 },
        d: { n: 3, covered: 3000, ovf: 1 }, // snapshot 1 fell out: (0 + 3 + 0) / 3 s
      });
    });
  });

  it('uses snapshot time, not scheduler time: a long pause in emission does not empty the window', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a 10s b|', { a: at(1, 10), b: at(2, 0) });
      expectObservable(src.pipe(slidingRates(10_000), mapBrief())).toBe('a 10s b|', {
        a: { n: 1, covered: 1000, ovf: 10 },
        b: { n: 2, covered: 2000, ovf: 5 },
      });
    });
  });

  it('starts over when snapshot time goes backwards (new recording)', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const src = cold('a-b-c|', { a: at(5, 4), b: at(6, 4), c: at(1, 1) });
      expectObservable(src.pipe(slidingRates(60_000), mapBrief())).toBe('a-b-c|', {
        a: { n: 1, covered: 1000, ovf: 4 },
        b: { n: 2, covered: 2000, ovf: 4 },
        c: { n: 1, covered: 1000, ovf: 1 },
      });
    });
  });

  it('slidingWindow emits the window contents', () => {
    scheduler().run(({ cold, expectObservable }) => {
      const a = at(1, 0),
        b = at(2, 0),
        c = at(12, 0);
      expectObservable(cold('abc|', { a, b, c }).pipe(slidingWindow(10_000))).toBe('xyz|', {
        x: [a],
        y: [a, b],
        z: [c],
      });
    });
  });
});

describe('windowRates', () => {
  it('rates transitions and events, by reason too', () => {
    const w = [
      at(1, 0, {
        transitions: { 'SYN_SENT->ESTABLISHED': 100 },
        events: { resetsSent: 4, resetsSentByReason: { NO_SOCKET: 4 }, synackRetrans: 2 },
      }),
      at(2, 0, {
        transitions: { 'SYN_SENT->ESTABLISHED': 300 },
        events: { drops: 6, dropsByReason: { TCP_LISTEN_OVERFLOW: 6 } },
      }),
    ];
    const r = windowRates(w, 10_000);
    expect(r.time).toBe(T0 + 2000);
    expect(r.transitions).toEqual({ 'SYN_SENT->ESTABLISHED': 200 });
    expect(r.events).toMatchObject({
      resetsSent: 2,
      synackRetrans: 1,
      drops: 3,
      resetsSentByReason: { NO_SOCKET: 2 },
      dropsByReason: { TCP_LISTEN_OVERFLOW: 3 },
    });
  });
  it('excludes the snapshot exactly windowMs old', () => {
    expect(pushWindow([at(0, 0), at(1, 0)], at(10, 0), 10_000).map((s) => s.seq)).toEqual([1, 10]);
  });
});

function mapBrief(): OperatorFunction<WindowRates, ReturnType<typeof brief>> {
  return map(brief);
}
