// Replay controls (the dashboard's p / . / + / ]) on the bundled real capture: pause holds the stream, step emits
// exactly one snapshot, skip runs ahead, and whatever the controls did the snapshots equal an uncontrolled replay.
import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { demoRecordingPath } from '../../../src/record/demo.js';
import { replaySession } from '../../../src/session/replay.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await sleep(5);
  }
}

describe('replay controls', () => {
  it('pause holds, step emits exactly one interval, speed and skip change pace, and nothing is lost or changed', async () => {
    const reference = await lastValueFrom(
      (await replaySession(demoRecordingPath(), { speed: 'max' })).snapshots$.pipe(toArray()),
    );
    expect(reference.length).toBeGreaterThan(15); // 3 concatenated recordings, 25 s

    // Recorded at 1 s per interval: ×20 gives a snapshot every ~50 ms.
    const session = await replaySession(demoRecordingPath(), { speed: 20 });
    const got: Snapshot[] = [];
    let completed = false;
    session.snapshots$.subscribe({ next: (s) => got.push(s), complete: () => (completed = true) });
    await until(() => got.length >= 2);

    session.replay.pause();
    await sleep(50);
    const held = got.length;
    const heldAt = session.replay.state().elapsedMs;
    await sleep(300); // ~6 intervals at ×20
    expect(got.length).toBe(held);
    expect(session.replay.state()).toMatchObject({ paused: true, elapsedMs: heldAt });

    for (let i = 1; i <= 3; i++) {
      session.replay.step();
      await until(() => got.length === held + i);
      await sleep(100);
      expect(got.length).toBe(held + i); // one interval per step, then paused again
    }
    expect(session.replay.state().paused).toBe(true);

    const beforeSkip = session.replay.state().elapsedMs;
    // At ×0.25 these 10 s of recording would take 40 s: the skip runs them at once.
    session.replay.setSpeed(0.25);
    session.replay.skip(10_000);
    session.replay.resume();
    await until(() => session.replay.state().elapsedMs >= beforeSkip + 10_000, 3000);
    expect(session.replay.state()).toMatchObject({ paused: false, speed: 0.25 });
    session.replay.setSpeed('max');
    await until(() => completed);

    expect(got.map((s) => s.seq)).toEqual(reference.map((s) => s.seq));
    expect(got).toEqual(reference);
    expect(() => session.replay.setSpeed(0)).toThrow(/invalid replay speed/);
  });

  it('after a skip the pace starts over from where the skip ended (no wait for the skipped time)', async () => {
    const session = await replaySession(demoRecordingPath(), { speed: 2 });
    const got: Snapshot[] = [];
    session.snapshots$.subscribe((s) => got.push(s));
    await until(() => got.length >= 1);
    const at = session.replay.state().elapsedMs;
    session.replay.skip(8000); // stays inside the first recording of the demo (11.5 s long)
    await until(() => session.replay.state().elapsedMs >= at + 8000, 2000);
    const skippedTo = session.position().t;
    const t0 = Date.now();
    // The next interval after the skip is due ~0.5 s later at ×2; paced from before the skip it would come 4 s later.
    await until(() => got.some((s) => s.time > skippedTo + 500), 6000);
    expect(Date.now() - t0).toBeLessThan(2500);
    await session.stop();
  });

  it('a skip past the end of the recording ends as skipping when the recording ends (issue 13 item 18)', async () => {
    const session = await replaySession(demoRecordingPath(), { speed: 1 });
    let completed = false;
    session.snapshots$.subscribe({ complete: () => (completed = true) });
    await sleep(100);
    session.replay.skip(10 * 60_000); // `]` ten times: far past the 25 s recording
    await until(() => completed, 10_000);
    expect(session.replay.state().seeking).toBe(false);
  });

  it('stop() ends a paused replay at once', async () => {
    const session = await replaySession(demoRecordingPath(), { speed: 1 });
    let completed = false;
    session.snapshots$.subscribe({ complete: () => (completed = true) });
    session.replay.pause();
    await sleep(50);
    const t0 = Date.now();
    await session.stop();
    expect(Date.now() - t0).toBeLessThan(500);
    await until(() => completed, 1000);
  });
});
