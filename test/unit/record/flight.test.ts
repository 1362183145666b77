// The flight recorder on captured-shape inputs: ring bounds, incident window, extension, pruning, write failures.
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../src/alert/event.js';
import { createFlightRecorder, type FlightRecorder, type IncidentInfo } from '../../../src/record/flight.js';
import { InputRing } from '../../../src/record/ring.js';
import { MapDeltaEncoder } from '../../../src/record/ring-maps.js';
import { readRecording } from '../../../src/record/reader.js';
import type { RawInput } from '../../../src/model/inputs.js';
import { NS, fakeSession, hostSample, rawInputs, tempDir, type FakeSession } from './helpers.js';

const T0 = 1_700_000_000_000;

function alertAt(t: number, name = 'overflow', state: 'firing' | 'resolved' = 'firing'): AlertEvent {
  return {
    type: 'alert',
    name,
    expr: 'rate(TcpExtListenOverflows) > 1/s',
    state,
    value: 5,
    time: t,
    netns: { inode: NS, name: 'web' },
    severity: 'critical',
    message: 'test',
  };
}

async function entriesOf(path: string): Promise<{
  kinds: string[];
  ts: number[];
  header: Awaited<ReturnType<typeof readRecording>>['header'];
  end: string | undefined;
}> {
  const r = await readRecording(path);
  const kinds: string[] = [];
  const ts: number[] = [];
  let end: string | undefined;
  for await (const e of r) {
    kinds.push(e.kind);
    ts.push(e.t);
    if (e.kind === 'end') end = e.reason;
  }
  await r.close();
  return { kinds, ts, header: r.header, end };
}

describe('InputRing', () => {
  it('keeps the window plus the host baseline just before it, starting at a host input', () => {
    const ring = new InputRing({ windowMs: 3000, maxBytes: 1e9 });
    for (const i of rawInputs(10, T0)) ring.push(i);
    const held = ring.contents();
    expect(held[0]!.kind).toBe('host');
    // Newest host is at T0+9000: the window starts after T0+6000, the baseline is the host at T0+6000.
    expect(held[0]!.t).toBe(T0 + 6000);
    expect(held.at(-1)!.t).toBe(T0 + 9000);
    expect(ring.stats().depthMs).toBe(3000);
  });

  it('drops whole intervals from the front when over its memory cap, and counts them', () => {
    const ring = new InputRing({ windowMs: 3_600_000, maxBytes: 2500 });
    for (const i of rawInputs(30, T0)) ring.push(i);
    const s = ring.stats();
    expect(s.bytes).toBeLessThanOrEqual(2500);
    expect(s.droppedForMemory).toBeGreaterThan(0);
    expect(ring.contents()[0]!.kind).toBe('host');
  });
});

describe('InputRing memory', () => {
  /** Decoded inputs carry counter deltas and a lazy counter table: compare what a recording would hold. */
  const norm = (inputs: RawInput[]): unknown[] =>
    inputs.map((i) => (i.kind === 'host' ? { ...i, sample: { ...i.sample }, counterDeltas: undefined } : i));

  it('holds delta-encoded lines, gzips closed segments, and gives back exactly the inputs of the window', async () => {
    // Segments of 6 s gzipped in 2 s chunks: the window spans several segments, each of several chunks.
    const ring = new InputRing({ windowMs: 10_000, maxBytes: 1e9, segmentMs: 6000, chunkMs: 2000 });
    const inputs = rawInputs(60, T0);
    for (const i of inputs) ring.push(i);
    // Newest host at T0+59 s: the window starts after T0+49 s, the baseline is the host at T0+49 s.
    const from = inputs.findIndex((i) => i.kind === 'host' && i.t === T0 + 49_000);
    expect(norm(ring.contents())).toEqual(norm(inputs.slice(from)));
    expect(ring.stats()).toMatchObject({ inputs: inputs.length - from, depthMs: 10_000, droppedForMemory: 0 });
    // What a full sample per interval would take (the old ring's cost) vs what it holds once its chunks are gzipped.
    const full = inputs.slice(from).reduce((n, i) => n + JSON.stringify(i).length, 0);
    await ring.idle();
    expect(ring.stats().compressing).toBe(0);
    expect(ring.stats().bytes).toBeLessThan(full / 2);
  });

  it('gzips chunks off the main thread: in order and complete before, during and after their gzips (real zlib)', async () => {
    const ring = new InputRing({ windowMs: 20_000, maxBytes: 1e9, segmentMs: 8000, chunkMs: 2000 });
    const inputs = rawInputs(40, T0);
    for (const i of inputs) ring.push(i);
    const from = inputs.findIndex((i) => i.kind === 'host' && i.t === T0 + 19_000);
    const expected = norm(inputs.slice(from));
    const text = ring.stats().bytes;
    // Nothing can finish inside the synchronous pushes: every closed chunk is still text.
    expect(ring.stats().compressing).toBeGreaterThan(5);
    // Whatever number of gzips has finished at each turn of the loop, the ring gives back the same inputs.
    const states = new Set<number>();
    while (ring.stats().compressing > 0) {
      states.add(ring.stats().compressing);
      expect(norm(ring.contents())).toEqual(expected);
      await new Promise((r) => setImmediate(r));
    }
    expect(states.size).toBeGreaterThan(1);
    await ring.idle();
    expect(norm(ring.contents())).toEqual(expected);
    expect(ring.stats()).toMatchObject({ compressing: 0, inputs: expected.length, droppedForMemory: 0 });
    expect(ring.stats().bytes).toBeLessThan(text / 2);
  });

  it('a segment trimmed while its chunks wait for gzip leaves the byte count exact; the cap counts them as text', async () => {
    const opts = { windowMs: 4000, maxBytes: 1e9, segmentMs: 2000, chunkMs: 1000 };
    const inputs = rawInputs(60, T0);
    // One ring gzips each chunk before the next input (what the synchronous ring did), the other all at the end.
    const stepwise = new InputRing(opts);
    for (const i of inputs) {
      stepwise.push(i);
      await stepwise.idle();
    }
    const batched = new InputRing(opts);
    for (const i of inputs) batched.push(i);
    await batched.idle();
    expect(batched.stats()).toEqual(stepwise.stats());
    expect(norm(batched.contents())).toEqual(norm(stepwise.contents()));
    // Under a cap, chunks still compressing count as the text they are: the bound holds after every interval.
    const capped = new InputRing({ ...opts, windowMs: 3_600_000, maxBytes: 3000 });
    for (const i of inputs) {
      capped.push(i);
      if (i.kind === 'host') expect(capped.stats().bytes).toBeLessThanOrEqual(3000);
    }
    await capped.idle();
    expect(capped.stats().bytes).toBeLessThanOrEqual(3000);
    expect(capped.stats().droppedForMemory).toBeGreaterThan(0);
    expect(capped.contents()[0]!.kind).toBe('host');
  });

  it('gives back captured bpftrace lines byte for byte; a repeated map print costs only its changed rows', async () => {
    const { readFile } = await import('node:fs/promises');
    const fixture = async (name: string): Promise<string[]> =>
      (await readFile(new URL(`../../fixtures/bpftrace/${name}`, import.meta.url), 'utf8')).split('\n').filter(Boolean);
    const lines = [...(await fixture('full-6.18.ndjson')), ...(await fixture('connlat-6.18.ndjson'))];
    // A cumulative map printed every interval, one row changing: what latency maps do whole host.
    const rows = (i: number): string =>
      Array.from({ length: 40 }, (_, k) => `"${4026532000 + k},5432,${k % 16}": ${k === 7 ? i : k + 1}`).join(', ');
    const inputs: RawInput[] = [{ kind: 'host', t: T0, sample: hostSample(0) }];
    let t = T0;
    for (let i = 1; i <= 20; i++) {
      for (const line of lines.slice((i - 1) * 5, i * 5)) inputs.push({ kind: 'probe', t: ++t, line });
      inputs.push({ kind: 'probe', t: ++t, line: `{"type": "map", "data": {"@cl": {${rows(i)}}}}` });
      inputs.push({ kind: 'host', t: (t = T0 + i * 1000), sample: hostSample(i) });
    }
    const ring = new InputRing({ windowMs: 60_000, maxBytes: 1e9, chunkMs: 60_000 });
    for (const i of inputs) ring.push(i);
    const back = ring.contents();
    const probes = (x: RawInput[]): string[] => x.flatMap((i) => (i.kind === 'probe' ? [i.line] : []));
    expect(probes(back)).toEqual(probes(inputs));
    expect(norm(back)).toEqual(norm(inputs));
    // The ring's line for a repeated print: the first is stored whole, the next as row ids and its one changed value.
    const enc = new MapDeltaEncoder();
    const print = (i: number): RawInput & { kind: 'probe' } => ({
      kind: 'probe',
      t: T0 + i,
      line: `{"type": "map", "data": {"@cl": {${rows(i)}}}}`,
    });
    expect(enc.encode(print(1))).toBeUndefined();
    // Rows by id in print order (bpftrace sorts a print by value, so the order is kept), values only when changed.
    expect(JSON.parse(enc.encode(print(2))!)).toEqual({
      k: 'M',
      t: T0 + 2,
      n: '@cl',
      o: Array.from({ length: 40 }, (_, k) => k),
      c: { 7: 2 },
    });
  });

  it('a whole-host interval of 50 quiet namespaces costs little more than their inodes', () => {
    const ring = new InputRing({ windowMs: 60_000, maxBytes: 1e9, segmentMs: 60_000 });
    const samples = Array.from({ length: 50 }, (_, k) => ({
      ...hostSample(1),
      netns: { inode: NS + k, name: `ns${k}` },
    }));
    const at = (t: number): RawInput => ({
      kind: 'hosts',
      t,
      set: { samples, unreadable: [], idle: 0, pollMs: 2, notes: [] },
    });
    ring.push(at(T0));
    const first = ring.stats().bytes;
    for (let k = 1; k <= 10; k++) ring.push(at(T0 + k * 1000));
    expect((ring.stats().bytes - first) / 10 / 50).toBeLessThan(20);
    const back = ring.contents();
    expect(back).toHaveLength(11);
    expect(back.at(-1)).toMatchObject({ kind: 'hosts', set: { samples: samples.map((s) => ({ ...s, pollMs: 0 })) } });
  });
});

describe('flight recorder', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let session: FakeSession;
  let flight: FlightRecorder | undefined;
  const said: string[] = [];
  const saved: IncidentInfo[] = [];
  const feed = (inputs: RawInput[]): void => inputs.forEach((i) => session.input$.next(i));

  beforeEach(async () => {
    dir = await tempDir();
    session = fakeSession();
    said.length = 0;
    saved.length = 0;
  });
  afterEach(async () => {
    await flight?.stop();
    flight = undefined;
    await dir.cleanup();
  });

  const start = (over: Partial<Parameters<typeof createFlightRecorder>[1]> = {}): FlightRecorder => {
    flight = createFlightRecorder(session, {
      dir: dir.dir,
      ringMs: 5000,
      afterMs: 3000,
      gzip: true,
      say: (l) => said.push(l),
      writeReport: async (_p, rp) => {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(rp, '# report\n', { mode: 0o600 });
      },
      ...over,
    });
    flight.incidents$.subscribe((i) => saved.push(i));
    return flight;
  };

  /** Until the ring's gzips (in the thread pool) are all done. */
  const settle = async (f: FlightRecorder): Promise<void> => {
    while (f.stats().compressing > 0) await new Promise((r) => setImmediate(r));
  };

  it.each(['still compressing', 'gzipped'])(
    'saves [fire − ring, fire + after] as a 0600 recording with a report, and a second firing extends it (ring chunks %s at the fire)',
    async (at) => {
      const f = start();
      const inputs = rawInputs(30, T0);
      const upTo = (t: number): RawInput[] => inputs.filter((i) => i.t <= t);
      feed(upTo(T0 + 12_000));
      if (at === 'gzipped') await settle(f);
      expect(f.stats().compressing > 0).toBe(at === 'still compressing');
      f.alert(alertAt(T0 + 12_000));
      // Fires again 2 s later (inside --after): the same incident now ends at T0+17000.
      feed(inputs.filter((i) => i.t > T0 + 12_000 && i.t <= T0 + 14_000));
      f.alert(alertAt(T0 + 14_000, 'overflow', 'resolved'));
      f.alert(alertAt(T0 + 14_000, 'rst-storm'));
      feed(inputs.filter((i) => i.t > T0 + 14_000));
      await f.stop();
      expect(saved).toHaveLength(1);
      const inc = saved[0]!;
      expect((await stat(inc.path)).mode & 0o777).toBe(0o600);
      expect(inc.reportPath && (await stat(inc.reportPath)).mode & 0o777).toBe(0o600);
      const { kinds, ts, header, end } = await entriesOf(inc.path);
      expect(header.incident).toMatchObject({
        alert: 'overflow',
        netns: 'web',
        firedAt: T0 + 12_000,
        ringMs: 5000,
        afterMs: 3000,
      });
      const hostTs = ts.filter((_, i) => kinds[i] === 'host');
      expect(hostTs[0]).toBe(T0 + 7000); // baseline just before fire − ring
      expect(hostTs.at(-1)).toBe(T0 + 17_000); // the extension: second firing + after
      expect(kinds.filter((k) => k === 'alert')).toHaveLength(3);
      expect(end).toBe('complete');
      expect(inc.meta.alerts).toEqual(['overflow', 'rst-storm']);
      // Every input between the baseline and the end, in order, nothing twice.
      expect(ts.filter((_, i) => kinds[i] === 'host' || kinds[i] === 'probe')).toEqual(
        inputs.filter((i) => i.t >= T0 + 7000 && i.t <= T0 + 17_000 && i.kind !== 'gap').map((i) => i.t),
      );
    },
  );

  it('stop() waits for the ring chunks still being gzipped', async () => {
    const f = start({ ringMs: 8000 });
    feed(rawInputs(30, T0));
    expect(f.stats().compressing).toBeGreaterThan(0);
    await f.stop();
    expect(f.stats().compressing).toBe(0);
  });

  it('--keep 2 deletes the oldest of three incidents, and says so', async () => {
    const f = start({ ringMs: 2000, afterMs: 1000, keep: 2 });
    const inputs = rawInputs(40, T0);
    for (const fireAt of [5000, 15_000, 25_000]) {
      feed(inputs.filter((i) => i.t > T0 + fireAt - 10_000 && i.t <= T0 + fireAt));
      f.alert(alertAt(T0 + fireAt));
    }
    feed(inputs.filter((i) => i.t > T0 + 25_000));
    await f.stop();
    expect(saved, said.join('\n')).toHaveLength(3);
    const left = (await readdir(dir.dir)).filter((n) => n.endsWith('.gz')).sort();
    expect(left).toEqual([saved[1]!.path, saved[2]!.path].map((p) => p.split('/').at(-1)).sort());
    expect((await readdir(dir.dir)).filter((n) => n.endsWith('.md'))).toHaveLength(2);
    expect(said.filter((l) => l.startsWith('incident deleted'))).toEqual([expect.stringContaining(saved[0]!.path)]);
  });

  it('an unwritable DIR costs one line; the next alert retries and succeeds', async () => {
    const sub = join(dir.dir, 'incidents');
    await mkdir(sub);
    const f = start({ dir: sub, ringMs: 2000, afterMs: 1000 });
    const inputs = rawInputs(20, T0);
    feed(inputs.filter((i) => i.t <= T0 + 4000));
    await rm(sub, { recursive: true }); // what a cleaned-up /var/lib or a full disk looks like to open(2)
    f.alert(alertAt(T0 + 4000));
    expect(said.filter((l) => l.startsWith('incident not saved'))).toHaveLength(1);
    await mkdir(sub);
    feed(inputs.filter((i) => i.t > T0 + 4000 && i.t <= T0 + 8000));
    f.alert(alertAt(T0 + 8000));
    feed(inputs.filter((i) => i.t > T0 + 8000));
    await f.stop();
    expect(saved).toHaveLength(1);
    expect((await entriesOf(saved[0]!.path)).end).toBe('complete');
  });

  it('save() writes the ring on demand (the dashboard key R)', async () => {
    const f = start({ ringMs: 3000, afterMs: 0 });
    feed(rawInputs(8, T0));
    f.save('manual');
    expect(f.stats().open).toBeDefined();
    await f.stop();
    expect(saved).toHaveLength(1);
    const { kinds, header } = await entriesOf(saved[0]!.path);
    expect(header.incident?.alert).toBe('manual');
    expect(kinds.filter((k) => k === 'host').length).toBe(4);
  });
});
