// Replay pacing on a fake clock: how long each recorded input waits at a speed, and what pause, step, speed and skip
// do to that, without sleeping for real.
import { describe, expect, it } from 'vitest';
import { ReplayPacer, type Clock } from '../../../src/session/replay-pacer.js';

class FakeClock implements Clock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private next = 0;
  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }
  advance(ms: number): void {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
  }
  get pending(): number {
    return this.timers.length;
  }
}

const START = 1_000_000;
const NO_FROM = Number.NEGATIVE_INFINITY;

function pacerAt(speed: number | 'max'): { pacer: ReplayPacer; clock: FakeClock } {
  const clock = new FakeClock();
  const pacer = new ReplayPacer(speed, START, clock);
  pacer.origin = START;
  return { pacer, clock };
}

describe('ReplayPacer', () => {
  it('spaces inputs by recorded time divided by the speed, against the wall clock', () => {
    const { pacer, clock } = pacerAt(2);
    pacer.begin(START, NO_FROM);
    expect(pacer.remaining(START)).toBe(0);
    pacer.begin(START + 2000, NO_FROM);
    expect(pacer.remaining(START + 2000)).toBe(1000);
    clock.advance(600);
    expect(pacer.remaining(START + 2000)).toBe(400);
    clock.advance(399);
    expect(pacer.remaining(START + 2000)).toBe(0); // under 2 ms is not worth a timer
    expect(pacer.control.state()).toEqual({ paused: false, speed: 2, elapsedMs: 2000, seeking: false });
  });

  it('never waits at max speed or before --from', () => {
    const { pacer } = pacerAt('max');
    for (const t of [START, START + 5000, START + 60_000]) {
      pacer.begin(t, NO_FROM);
      expect(pacer.remaining(t)).toBe(0);
    }
    const { pacer: p1 } = pacerAt(1);
    p1.begin(START, START + 10_000);
    p1.begin(START + 9000, START + 10_000);
    expect(p1.remaining(START + 9000)).toBe(0);
    p1.begin(START + 11_000, START + 10_000); // the first paced input anchors
    expect(p1.remaining(START + 11_000)).toBe(0);
    p1.begin(START + 12_000, START + 10_000);
    expect(p1.remaining(START + 12_000)).toBe(1000);
  });

  it('sleeps on the clock, at most a second per slice, and a control call wakes it early', async () => {
    const { pacer, clock } = pacerAt(1);
    let woke = false;
    const slept = pacer.sleep(5000).then(() => (woke = true));
    clock.advance(999);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(1); // MAX_SLEEP_MS slice
    await slept;
    expect(woke).toBe(true);

    const early = pacer.sleep(800);
    pacer.control.setSpeed(4);
    await early;
    expect(clock.pending).toBe(0);
  });

  it('pause holds inputs until a control call; step lets exactly one snapshot through', async () => {
    const { pacer } = pacerAt(1);
    pacer.begin(START, NO_FROM);
    pacer.control.pause();
    expect(pacer.held(START + 1000, NO_FROM)).toBe(true);
    expect(pacer.held(START + 1000, START + 5000)).toBe(false); // before --from nothing waits
    const waiting = pacer.untilChanged();
    pacer.control.step();
    await waiting;
    expect(pacer.held(START + 1000, NO_FROM)).toBe(false);
    pacer.begin(START + 1000, NO_FROM);
    expect(pacer.remaining(START + 1000)).toBe(0); // paused inputs are not paced
    expect(pacer.takeStep()).toBe(true);
    expect(pacer.takeStep()).toBe(false);
    expect(pacer.held(START + 2000, NO_FROM)).toBe(true);
    pacer.control.resume();
    expect(pacer.held(START + 2000, NO_FROM)).toBe(false);
    expect(pacer.control.state().paused).toBe(false);
  });

  it('a speed change re-anchors pacing on the next input', () => {
    const { pacer, clock } = pacerAt(1);
    pacer.begin(START, NO_FROM);
    pacer.begin(START + 4000, NO_FROM);
    expect(pacer.remaining(START + 4000)).toBe(4000);
    clock.advance(1000);
    pacer.control.setSpeed(10);
    expect(pacer.remaining(START + 4000)).toBe(0); // goes at once, the next one re-anchors
    pacer.begin(START + 5000, NO_FROM);
    expect(pacer.remaining(START + 5000)).toBe(0);
    pacer.begin(START + 6000, NO_FROM);
    expect(pacer.remaining(START + 6000)).toBe(100);
    expect(() => pacer.control.setSpeed(0)).toThrow(/invalid replay speed/);
  });

  it('skip replays the next stretch unpaced, then paces again from where it ended', () => {
    const { pacer } = pacerAt(1);
    pacer.begin(START, NO_FROM);
    pacer.control.skip(10_000);
    expect(pacer.control.state().seeking).toBe(true);
    for (const t of [START + 1000, START + 5000, START + 9000]) {
      pacer.begin(t, NO_FROM);
      expect(pacer.remaining(t)).toBe(0);
    }
    pacer.begin(START + 10_000, NO_FROM);
    expect(pacer.control.state().seeking).toBe(false);
    pacer.begin(START + 11_000, NO_FROM);
    expect(pacer.remaining(START + 11_000)).toBe(1000);
  });

  it('stop() ends waits and makes every input go at once', async () => {
    const { pacer } = pacerAt(1);
    pacer.begin(START, NO_FROM);
    pacer.begin(START + 3000, NO_FROM);
    const s = pacer.sleep(3000);
    pacer.stop();
    await s;
    expect(pacer.remaining(START + 3000)).toBe(0);
    expect(pacer.held(START + 3000, NO_FROM)).toBe(false);
  });
});
