// The dashboard's frame budget on a fake clock: many changes, one frame per minFrameMs; flush draws only when dirty.
import { describe, expect, it } from 'vitest';
import { FrameScheduler, type FrameClock } from '../../../src/ui/frame-scheduler.js';

function fakeClock(): FrameClock & { advance(ms: number): void } {
  let now = 10_000; // far from 0, as Date.now() is: the first frame is due at once
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let id = 0;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      timers.push({ at: now + ms, fn, id: ++id });
      return id;
    },
    clearTimeout: (h) => {
      timers = timers.filter((t) => t.id !== h);
    },
    advance(ms) {
      now += ms;
      const due = timers.filter((t) => t.at <= now);
      timers = timers.filter((t) => t.at > now);
      for (const t of due) t.fn();
    },
  };
}

describe('FrameScheduler', () => {
  it('coalesces changes into at most one frame per minFrameMs', () => {
    const clock = fakeClock();
    let drawn = 0;
    const f = new FrameScheduler(() => drawn++, 250, clock);
    f.schedule();
    f.schedule();
    clock.advance(0);
    expect(drawn).toBe(1);
    for (let i = 0; i < 10; i++) f.schedule();
    clock.advance(249);
    expect(drawn).toBe(1);
    clock.advance(1);
    expect(drawn).toBe(2);
    expect(f.frames).toBe(2);
  });

  it('flush draws at once only when something changed; nothing after dispose', () => {
    const clock = fakeClock();
    let drawn = 0;
    const f = new FrameScheduler(() => drawn++, 250, clock);
    f.flush(); // dirty from the start
    expect(drawn).toBe(1);
    f.flush();
    expect(drawn).toBe(1);
    f.schedule();
    f.dispose();
    clock.advance(1000);
    f.flush();
    expect(drawn).toBe(1);
  });
});
