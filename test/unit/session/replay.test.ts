import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { createDiagnoser } from '../../../src/diagnose/index.js';
import { BatchDecoder } from '../../../src/kernel/probes/index.js';
import { toSnapshots } from '../../../src/pipeline/to-snapshots.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { createRecorder } from '../../../src/record/recorder.js';
import { replaySession } from '../../../src/session/replay.js';
import {
  CAPTURE_NS,
  capturedProbeLines,
  ebpfDescription,
  fakeSession,
  liveLikeInputs,
  tempDir,
} from '../record/helpers.js';

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const withoutMode = (s: Snapshot): Omit<Snapshot, 'mode'> => {
  const { mode: _mode, ...rest } = s;
  return rest;
};

/** Records inputs through a fake live session while the live pipeline (as startSession builds it) runs on them. */
async function recordLive(path: string, rounds = 1): Promise<{ live: Snapshot[]; inputs: number }> {
  const desc = ebpfDescription();
  const session = fakeSession(desc);
  const live$ = session.inputs$.pipe(
    toSnapshots({
      intervalMs: desc.info.intervalMs,
      netns: desc.info.netns,
      mode: 'ebpf',
      modeReason: undefined,
      decoder: new BatchDecoder(desc.reasonTables),
      diagnoser: createDiagnoser(),
      netnsFilter: CAPTURE_NS,
    }),
    toArray(),
  );
  const liveDone = lastValueFrom(live$);
  const rec = createRecorder(session, { path, gzip: path.endsWith('.gz') });
  const inputs = liveLikeInputs(await capturedProbeLines(), rounds);
  for (const i of inputs) session.input$.next(i);
  session.input$.complete();
  await rec.done;
  return { live: await liveDone, inputs: inputs.length };
}

describe('replaySession', () => {
  it('yields exactly the live snapshots (findings included), except mode', async () => {
    const path = tmp.path('eq.ndjson.gz');
    const { live } = await recordLive(path, 3);
    const session = await replaySession(path, { speed: 'max' });
    const replayed = await lastValueFrom(session.snapshots$.pipe(toArray()));
    expect(live.length).toBeGreaterThan(10);
    expect(replayed.every((s) => s.mode === 'replay')).toBe(true);
    expect(replayed.map(withoutMode)).toEqual(live.map(withoutMode));
    // the fixture decodes into real events, and the diagnoser saw the overflow
    expect(replayed.some((s) => s.events.synackRetrans > 0)).toBe(true);
    expect(replayed.some((s) => Object.keys(s.transitions).length > 0)).toBe(true);
    expect(replayed.flatMap((s) => s.findings.map((f) => f.id))).toContain('accept-queue-overflow');
    expect(session.info.mode).toBe('replay');
    expect(session.stats).toMatchObject({ skipped: 0, truncated: undefined, endReason: 'session-ended' });
  });

  it('limits output to --from/--to while computing deltas from the start', async () => {
    const path = tmp.path('ft.ndjson');
    const { live } = await recordLive(path, 3);
    const session = await replaySession(path, { speed: 'max', from: 4000, to: 9000 });
    const got = await lastValueFrom(session.snapshots$.pipe(toArray()));
    // position 0 is the first recorded input (the baseline host sample)
    const start = 1_700_000_000_000;
    expect(session.position().startedAt).toBe(start);
    const want = live.filter((s) => s.time >= start + 4000 && s.time <= start + 9000);
    expect(want.length).toBeGreaterThan(2);
    expect(got.map(withoutMode)).toEqual(want.map(withoutMode));
    expect(session.position().elapsedMs).toBeLessThanOrEqual(9000);
  });

  it('paces by recorded timestamps at the given speed', async () => {
    const path = tmp.path('pace.ndjson');
    await recordLive(path, 1);
    const session = await replaySession(path, { speed: 25 });
    const t0 = Date.now();
    const times: number[] = [];
    const snaps = await lastValueFrom(session.snapshots$.pipe(toArray()));
    times.push(Date.now() - t0);
    const span = snaps.at(-1)!.time - snaps[0]!.time;
    // ~span/25 ms of wall time: at least most of it, and not wildly more (2-core shared machine: loose upper bound)
    expect(span).toBeGreaterThan(3000);
    expect(times[0]!).toBeGreaterThanOrEqual((span / 25) * 0.9);
    expect(times[0]!).toBeLessThan(span / 25 + 3000);
  });

  it('stops promptly when asked during a slow replay', async () => {
    const path = tmp.path('stop.ndjson');
    await recordLive(path, 2);
    const session = await replaySession(path, { speed: 1 });
    const got: Snapshot[] = [];
    const sub = session.snapshots$.subscribe((s) => got.push(s));
    await new Promise((r) => setTimeout(r, 1200));
    const t0 = Date.now();
    await session.stop();
    sub.unsubscribe();
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(got.length).toBeGreaterThanOrEqual(0);
    expect(got.length).toBeLessThan(4);
  });

  it('offers batches() with backpressure as an alternative to snapshots$', async () => {
    const path = tmp.path('b.ndjson');
    const { live } = await recordLive(path, 2);
    const session = await replaySession(path, { speed: 'max' });
    const got: Snapshot[] = [];
    for await (const list of session.batches()) {
      await new Promise((r) => setTimeout(r, 1));
      got.push(...list);
    }
    expect(got.map(withoutMode)).toEqual(live.map(withoutMode));
  });

  it('replays concatenated recordings (cat a b > ab) one after the other, each through a fresh pipeline', async () => {
    const a = tmp.path('a.ndjson');
    const b = tmp.path('b.ndjson');
    await recordLive(a, 1);
    await recordLive(b, 2);
    const ab = tmp.path('ab.ndjson');
    await writeFile(ab, Buffer.concat([await readFile(a), await readFile(b)]));
    const alone = async (p: string): Promise<Snapshot[]> =>
      lastValueFrom((await replaySession(p, { speed: 'max' })).snapshots$.pipe(toArray()));
    const session = await replaySession(ab, { speed: 'max' });
    const both = await lastValueFrom(session.snapshots$.pipe(toArray()));
    expect(both).toEqual([...(await alone(a)), ...(await alone(b))]);
    expect(session.stats).toMatchObject({ segments: 2, skipped: 0, endReason: 'session-ended' });
  });

  it('refuses bad options as usage errors', async () => {
    const path = tmp.path('o.ndjson');
    await recordLive(path, 1);
    await expect(replaySession(path, { speed: 0 })).rejects.toMatchObject({ exitCode: 2 });
    await expect(replaySession(path, { speed: 'max', from: 5000, to: 1000 })).rejects.toMatchObject({ exitCode: 2 });
  });
});
