// --incident-scope netns: a whole-host incident holds only the alerting netns (and the host netns, the sysctl
// reference); its replay gives that netns the same snapshots the live whole-host pipeline gave it.
import { describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../src/alert/event.js';
import type { HostSnapshot } from '../../../src/model/host-snapshot.js';
import type { HostSample } from '../../../src/model/host-sample.js';
import type { RawInput } from '../../../src/model/inputs.js';
import { probeLineForNetns } from '../../../src/kernel/probes/netns-filter.js';
import { createFlightRecorder, type IncidentInfo } from '../../../src/record/flight.js';
import { readRecording } from '../../../src/record/reader.js';
import { replayHostSession } from '../../../src/session/replay-host.js';
import { createHostPipeline } from '../../../src/session/wiring-host.js';
import { ebpfDescription, fakeSession, hostSample, tempDir } from './helpers.js';

const T0 = 1_700_000_000_000;
const HOST = 4026531840;
const WEB = 4026532001;
const DB = 4026532002;

const map = (name: string, rows: Record<string, number>): string =>
  `{"type": "map", "data": {"${name}": ${JSON.stringify(rows)}}}`;
const detail = (ns: number): string =>
  `{"type": "printf", "data": "@@d reset-sent ${ns} 127.0.0.1 9 127.0.0.1 37172 0 1 14291 python3\\n"}`;

function sample(inode: number, i: number, name?: string): HostSample {
  const s = hostSample(i, {
    netns: inode === HOST ? { inode, name: undefined, isHost: true } : { inode, name },
  });
  // Each netns its own numbers, so a mixed-up section would show.
  s.counters = { TcpExtListenOverflows: (inode % 7) * i * i, TcpActiveOpens: 100 + i, TcpOutRsts: (inode % 5) * i };
  return s;
}

/** What a whole-host session feeds its sinks: every netns's rows in shared map lines, a tick, one poll of all. */
function wholeHostInputs(n: number): RawInput[] {
  const out: RawInput[] = [];
  for (let i = 0; i < n; i++) {
    const t = T0 + i * 1000;
    if (i > 0) {
      out.push({ kind: 'probe', t: t - 30, line: detail(DB) });
      out.push({ kind: 'probe', t: t - 29, line: detail(WEB) });
      out.push({
        kind: 'probe',
        t: t - 20,
        line: map('@k', { [`${WEB},10,3`]: i, [`${DB},10,3`]: 2 * i, [`${HOST},1,8`]: 1 }),
      });
      out.push({ kind: 'probe', t: t - 19, line: map('@rs', { [`${DB},1`]: i }) });
      out.push({ kind: 'probe', t: t - 10, line: `{"type": "printf", "data": "@@tick ${i * 1_000_000_000}\\n"}` });
    }
    out.push({
      kind: 'hosts',
      t,
      set: {
        samples: [sample(HOST, i), sample(WEB, i, 'web'), sample(DB, i, 'db')],
        unreadable: [],
        idle: 4,
        pollMs: 3,
        notes: [],
      },
    });
  }
  return out;
}

const firing = (t: number, inode: number, name: string): AlertEvent => ({
  type: 'alert',
  name: 'ovf',
  expr: 'rate(TcpExtListenOverflows) > 1/s',
  state: 'firing',
  value: 5,
  time: t,
  netns: { inode, name },
  severity: 'critical',
  message: 'test',
});

describe('probeLineForNetns', () => {
  const keep = new Set([WEB]);
  it('keeps the rows of the kept namespaces, in bpftrace shape, and drops other namespaces detail lines', () => {
    expect(JSON.parse(probeLineForNetns(map('@k', { [`${WEB},10,3`]: 1, [`${DB},10,3`]: 2 }), keep)!)).toEqual({
      type: 'map',
      data: { '@k': { [`${WEB},10,3`]: 1 } },
    });
    expect(probeLineForNetns(map('@synrt', { [`${DB}`]: 2 }), keep)).toBe(map('@synrt', {}));
    // Rows the kernel could not place in a netns (0) belong to no netns section: not kept either.
    expect(probeLineForNetns(map('@dr', { '0,2': 3, [`${WEB},2`]: 1 }), keep)).toBe(map('@dr', { [`${WEB},2`]: 1 }));
    expect(probeLineForNetns(detail(DB), keep)).toBeUndefined();
    expect(probeLineForNetns(detail(WEB), keep)).toBe(detail(WEB));
  });
  it('keeps whole what has no per-netns rows: ticks, scalars, maps keyed by something else, broken lines', () => {
    for (const line of [
      '{"type": "printf", "data": "@@tick 5\\n"}',
      '{"type": "map", "data": {"@suppressed": 3}}',
      map('@cs', { '18446612682335289344': 1 }),
      '{"type": "attached_probes", "data": {"probes": 7}}',
      '{"type": "map", "da',
    ])
      expect(probeLineForNetns(line, keep)).toBe(line);
  });
});

describe('--incident-scope netns', () => {
  it('holds only the alerting netns and the host netns; its replay equals the live sections of both', async () => {
    const dir = await tempDir();
    const desc = ebpfDescription();
    desc.info = { ...desc.info, wholeHost: true, netns: { inode: HOST, name: undefined } };
    const session = fakeSession(desc);
    const saved: IncidentInfo[] = [];
    const flight = createFlightRecorder(session, {
      dir: dir.dir,
      ringMs: 5000,
      afterMs: 4000,
      scope: 'netns',
      gzip: true,
      say: () => undefined,
    });
    flight.incidents$.subscribe((i) => saved.push(i));
    try {
      const inputs = wholeHostInputs(25);
      const fire = T0 + 12_000;
      for (const i of inputs.filter((x) => x.t <= fire)) session.input$.next(i);
      flight.alert(firing(fire, WEB, 'web'));
      for (const i of inputs.filter((x) => x.t > fire)) session.input$.next(i);
      await flight.stop();
      expect(saved).toHaveLength(1);
      const r = await readRecording(saved[0]!.path);
      expect(r.header.incident).toMatchObject({ scope: 'netns', netns: 'web' });
      expect(new Set(r.header.incident!.inodes)).toEqual(new Set([WEB, HOST]));
      const held = new Set<number>();
      let dbRows = 0;
      for await (const e of r) {
        if (e.kind === 'hosts') e.set.samples.forEach((s) => held.add(s.netns.inode));
        if (e.kind === 'probe' && e.line.includes(String(DB))) dbRows++;
      }
      await r.close();
      expect(held).toEqual(new Set([WEB, HOST]));
      expect(dbRows).toBe(0);

      // Live: the whole-host pipeline over every input; replay: the incident file through the same pipeline.
      const live = createHostPipeline({ description: desc, mode: 'ebpf' });
      const liveSnaps = inputs.map((i) => live.push(i)).filter((s): s is HostSnapshot => s !== undefined);
      const replay = await replayHostSession(saved[0]!.path, { speed: 'max' });
      const replayed: HostSnapshot[] = [];
      for await (const list of replay.batches()) replayed.push(...list);
      await replay.stop();
      expect(replayed.length).toBeGreaterThanOrEqual(8); // [fire − 5 s, fire + 4 s]
      const section = (s: HostSnapshot, inode: number): unknown => {
        const n = s.namespaces.find((x) => x.netns.inode === inode);
        // A replay starts its rules at the incident's first interval: when a finding was first raised can differ.
        const snap = n?.snapshot && {
          ...n.snapshot,
          mode: undefined,
          seq: undefined,
          findings: n.snapshot.findings.map((f) => ({ ...f, since: undefined })),
        };
        return n && { rates: n.rates, snapshot: snap };
      };
      for (const s of replayed) {
        expect(s.namespaces.map((n) => n.netns.inode).sort()).toEqual([HOST, WEB].sort());
        const l = liveSnaps.find((x) => x.time === s.time)!;
        expect(section(s, WEB)).toEqual(section(l, WEB));
        expect(section(s, HOST)).toEqual(section(l, HOST));
      }
      // Live had the db netns at the same times; the incident does not.
      expect(
        replayed.every(
          (s) =>
            section(
              liveSnaps.find((x) => x.time === s.time)!,
              DB,
            ) !== undefined,
        ),
      ).toBe(true);
    } finally {
      await dir.cleanup();
    }
  });
});
