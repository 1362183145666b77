import { describe, expect, it } from 'vitest';
import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { SnapshotAssembler, type LineDecoder } from '../../../src/pipeline/assemble.js';
import { toSnapshots } from '../../../src/pipeline/to-snapshots.js';
import type { HostSample } from '../../../src/model/host-sample.js';
import { emptyBatch, type ProbeBatch } from '../../../src/model/probe-batch.js';
import type { RawInput } from '../../../src/model/inputs.js';

const NS = 4026532000;

function sample(over: Partial<HostSample> = {}): HostSample {
  return {
    netns: { inode: NS, name: 'web' },
    counters: {},
    sockstat: {},
    census: {},
    listeners: [],
    owners: [],
    sysctls: {},
    pollMs: 1,
    notes: [],
    ...over,
  };
}

/** A decoder that turns `B:<json>` lines into batches, standing in for the bpftrace decoder. */
const fakeDecoder: LineDecoder = {
  push: (line) => (line.startsWith('B:') ? (JSON.parse(line.slice(2)) as ProbeBatch) : undefined),
};

function batch(over: Partial<ProbeBatch>): string {
  return `B:${JSON.stringify({ ...emptyBatch(), ...over })}`;
}

const opts = {
  intervalMs: 1000,
  netns: { inode: NS, name: 'web' },
  mode: 'ebpf' as const,
  decoder: fakeDecoder,
  diagnoser: undefined,
  netnsFilter: NS,
};

describe('SnapshotAssembler', () => {
  it('uses the first host sample as the baseline and emits deltas from the second', () => {
    const asm = new SnapshotAssembler(opts);
    expect(
      asm.push({
        kind: 'host',
        t: 1000,
        sample: sample({ counters: { TcpExtListenOverflows: 10, TcpActiveOpens: 5 } }),
      }),
    ).toBeUndefined();
    const s = asm.push({
      kind: 'host',
      t: 2000,
      sample: sample({ counters: { TcpExtListenOverflows: 17, TcpActiveOpens: 5 } }),
    });
    expect(s?.counters).toEqual({ TcpExtListenOverflows: 7 });
    expect(s?.seq).toBe(0);
    expect(s?.time).toBe(2000);
  });

  it('takes the deltas a replay already knows only when they are since its previous host input', () => {
    const asm = new SnapshotAssembler(opts);
    asm.push({ kind: 'host', t: 1000, sample: sample({ counters: { A: 1, B: 1 } }) });
    const hinted = asm.push({
      kind: 'host',
      t: 2000,
      sample: sample({ counters: { A: 4, B: 1 } }),
      counterDeltas: { since: 1000, deltas: { A: 3 } },
    });
    expect(hinted?.counters).toEqual({ A: 3 });
    // A hint from another base (inputs dropped in between) is ignored: all counters are compared.
    const stale = asm.push({
      kind: 'host',
      t: 3000,
      sample: sample({ counters: { A: 5, B: 3 } }),
      counterDeltas: { since: 1000, deltas: { A: 99 } },
    });
    expect(stale?.counters).toEqual({ A: 1, B: 2 });
  });

  it('reads a counter that went down as restarted from zero, never negative', () => {
    const asm = new SnapshotAssembler(opts);
    asm.push({ kind: 'host', t: 1, sample: sample({ counters: { TcpOutRsts: 100 } }) });
    const s = asm.push({ kind: 'host', t: 2, sample: sample({ counters: { TcpOutRsts: 3 } }) });
    expect(s?.counters).toEqual({ TcpOutRsts: 3 });
  });

  it('merges the probe batches of the interval, keeping only the target netns', () => {
    const asm = new SnapshotAssembler(opts);
    asm.push({ kind: 'host', t: 1, sample: sample() });
    asm.push({
      kind: 'probe',
      t: 2,
      line: batch({
        transitions: [
          { netns: NS, from: 'SYN_SENT', to: 'ESTABLISHED', count: 3 },
          { netns: 1, from: 'SYN_SENT', to: 'ESTABLISHED', count: 99 },
        ],
        resetsSent: [{ netns: NS, reason: 'NO_SOCKET', count: 2 }],
        synackRetrans: [
          { netns: NS, laddr: '198.18.0.1', lport: 80, count: 4, acceptQueue: 3, acceptCapacity: 2, synQueue: 1 },
        ],
      }),
    });
    asm.push({ kind: 'probe', t: 3, line: 'not a batch' });
    asm.push({
      kind: 'probe',
      t: 4,
      line: batch({ transitions: [{ netns: NS, from: 'SYN_SENT', to: 'ESTABLISHED', count: 2 }], suppressed: 5 }),
    });
    const s = asm.push({ kind: 'host', t: 5, sample: sample() });
    expect(s?.transitions).toEqual({ 'SYN_SENT->ESTABLISHED': 5 });
    expect(s?.events.resetsSentByReason).toEqual({ NO_SOCKET: 2 });
    expect(s?.events.synackRetrans).toBe(4);
    expect(s?.events.synackRetransByListener[0]).toMatchObject({ lport: 80, acceptQueue: 3, acceptCapacity: 2 });
    expect(s?.events.suppressed).toBe(5);
    // the next interval starts empty
    const next = asm.push({ kind: 'host', t: 6, sample: sample() });
    expect(next?.transitions).toEqual({});
  });

  it('marks listeners at capacity and reports sysctl changes with old and new values', () => {
    const asm = new SnapshotAssembler(opts);
    const l = {
      family: 4 as const,
      addr: '0.0.0.0',
      port: 80,
      queue: 3,
      capacity: 3,
      inode: 7,
      pid: 12,
      comm: 'nginx',
    };
    asm.push({ kind: 'host', t: 1, sample: sample({ sysctls: { 'net.core.somaxconn': '4096' } }) });
    const s = asm.push({
      kind: 'host',
      t: 2,
      sample: sample({ listeners: [l, { ...l, port: 81, queue: 0 }], sysctls: { 'net.core.somaxconn': '128' } }),
    });
    expect(s?.census.listeners.map((x) => x.atCapacity)).toEqual([true, false]);
    expect(s?.sysctlChanges).toEqual([{ name: 'net.core.somaxconn', old: '4096', new: '128', t: 2 }]);
  });

  it('carries gaps into the interval they fell in', () => {
    const asm = new SnapshotAssembler(opts);
    asm.push({ kind: 'host', t: 1, sample: sample() });
    asm.push({ kind: 'gap', t: 2, reason: 'bpftrace exited (signal SIGKILL)', durationMs: 500 });
    expect(asm.push({ kind: 'host', t: 3, sample: sample() })?.gaps).toEqual([
      { reason: 'bpftrace exited (signal SIGKILL)', durationMs: 500 },
    ]);
  });

  it('is deterministic: the same inputs give the same snapshots (replay == live)', () => {
    const inputs: RawInput[] = [
      { kind: 'host', t: 1, sample: sample({ counters: { TcpExtListenOverflows: 1 } }) },
      { kind: 'probe', t: 2, line: batch({ drops: [{ netns: NS, reason: 'TCP_LISTEN_OVERFLOW', count: 2 }] }) },
      { kind: 'host', t: 3, sample: sample({ counters: { TcpExtListenOverflows: 3 } }) },
    ];
    const run = (): unknown[] => {
      const asm = new SnapshotAssembler(opts);
      return inputs.map((i) => asm.push(i)).filter(Boolean);
    };
    expect(run()).toEqual(run());
  });
});

describe('toSnapshots operator (marbles)', () => {
  it('emits one snapshot per host sample after the first, and completes with the source', () => {
    const scheduler = new TestScheduler((a, e) => expect(a).toEqual(e));
    scheduler.run(({ cold, expectObservable }) => {
      const h = (t: number, n: number): RawInput => ({
        kind: 'host',
        t,
        sample: sample({ counters: { TcpOutRsts: n } }),
      });
      const src = cold<RawInput>('a-p-b--c|', {
        a: h(0, 0),
        p: {
          kind: 'probe',
          t: 1,
          line: batch({ resetsReceived: [{ netns: NS, state: 'ESTABLISHED', port: 80, count: 1 }] }),
        },
        b: h(2, 4),
        c: h(3, 4),
      });
      const out = src.pipe(toSnapshots(opts));
      expectObservable(out.pipe(map((v) => v.counters.TcpOutRsts ?? 0))).toBe('----x--y|', { x: 4, y: 0 });
    });
  });
});
