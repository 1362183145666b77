// Whole-host recording lines: encode -> decode gives back the inputs the live pipeline consumed, so the replayed
// HostSnapshots equal the live ones; a quiet netns costs only its inode per interval.
import { describe, expect, it } from 'vitest';
import { createDiagnoser } from '../../../src/diagnose/index.js';
import type { HostSample } from '../../../src/model/host-sample.js';
import type { HostSetInput, RawInput } from '../../../src/model/inputs.js';
import { WholeHostAssembler } from '../../../src/pipeline/wholehost/assemble.js';
import { EntryEncoder } from '../../../src/record/format.js';
import { EntryDecoder } from '../../../src/record/format-decode.js';
import { DEFAULT_SYSCTLS } from '../diagnose/factory.js';

const quiet = (inode: number): HostSample => ({
  netns: { inode, name: `svc${inode}` },
  counters: { TcpActiveOpens: 3, TcpPassiveOpens: 9, TcpExtListenOverflows: 0 },
  sockstat: { 'TCP.inuse': 1, 'TCP.tw': 0 },
  census: { LISTEN: 1, ESTABLISHED: 0 },
  listeners: [
    { family: 4, addr: '198.18.0.1', port: 8080, queue: 0, capacity: 511, inode: inode + 1, pid: 10, comm: 'svc' },
  ],
  owners: [],
  sysctls: { ...DEFAULT_SYSCTLS },
  pollMs: 1.5,
  notes: [],
});
const busy = (t: number): HostSample => ({
  ...quiet(1),
  netns: { inode: 1, name: undefined, isHost: true },
  counters: { TcpActiveOpens: 100 + t, TcpPassiveOpens: 7 * t, TcpExtListenOverflows: t * t },
  census: { LISTEN: 2, ESTABLISHED: t },
});
const input = (t: number, samples: HostSample[]): HostSetInput => ({
  kind: 'hosts',
  t,
  set: { samples, unreadable: [], idle: 2, pollMs: 4 + t, notes: [] },
});
const make = (): WholeHostAssembler =>
  new WholeHostAssembler({
    intervalMs: 1000,
    mode: 'procfs',
    decoder: undefined,
    diagnoserFor: (_n, reference) => createDiagnoser({ reference }),
  });

describe('whole-host recording lines', () => {
  const inputs: RawInput[] = [];
  for (let t = 1; t <= 6; t++) {
    const samples = [busy(t), ...Array.from({ length: 50 }, (_, i) => quiet(100 + i))];
    // A netns that appears at t=3 and vanishes at t=5.
    if (t >= 3 && t < 5) samples.push({ ...quiet(999), counters: { TcpActiveOpens: t } });
    inputs.push(input(t * 1000, samples));
  }

  it('round-trips: replayed HostSnapshots equal the live ones', () => {
    const enc = new EntryEncoder();
    const dec = new EntryDecoder();
    const lines = inputs.map((i) => enc.encode(i));
    const decoded = lines.map((l) => {
      const r = dec.decode(l.trimEnd());
      if (!r.ok) throw new Error(r.reason);
      return r.entry as RawInput;
    });
    const live = make();
    const replay = make();
    const a = inputs.map((i) => live.push(i)).filter(Boolean);
    const b = decoded.map((i) => replay.push(i)).filter(Boolean);
    expect(a).toHaveLength(5);
    // Live per-netns poll times are not recorded (only the whole poll's): they do not reach a snapshot.
    expect(b).toEqual(a);
  });

  it('costs under 100 bytes per quiet netns per interval', () => {
    const enc = new EntryEncoder();
    const sizes = inputs.map((i) => enc.encode(i).length);
    const steady = sizes[5]!; // 51 namespaces, the busy one changes, 50 quiet ones do not
    expect(steady / 50).toBeLessThan(100);
    expect(steady / 50).toBeLessThan(20);
  });
});
