// Shared builders for the record tests: a session description, host samples and a LiveSession driven by a Subject.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import type { HostSample } from '../../../src/model/host-sample.js';
import { expect } from 'vitest';
import { counterDeltas } from '../../../src/kernel/host/counter-deltas.js';
import type { HostInput, RawInput } from '../../../src/model/inputs.js';
import type { LiveSession, SessionDescription } from '../../../src/model/session.js';

export const NS = 4026532100;

export function description(over: Partial<SessionDescription['info']> = {}): SessionDescription {
  return {
    info: {
      host: 'lab',
      kernel: '6.18.0',
      netns: { inode: NS, name: 'web' },
      mode: 'procfs',
      modeReason: 'test',
      intervalMs: 1000,
      bpftraceVersion: undefined,
      port: undefined,
      ...over,
    },
    tcpscopeVersion: '0.1.0',
    tracepoints: [],
    reasonTables: {},
    sysctls: { 'net.core.somaxconn': '4096' },
    program: undefined,
    programArgs: [],
  };
}

export function hostSample(i: number, over: Partial<HostSample> = {}): HostSample {
  return {
    netns: { inode: NS, name: 'web' },
    counters: { TcpExtListenOverflows: i * 3, TcpActiveOpens: 100 + i, TcpOutRsts: i },
    sockstat: { 'TCP.inuse': 5, 'TCP.tw': i },
    census: { ESTABLISHED: 2, LISTEN: 1, TIME_WAIT: i },
    listeners: [{ family: 4, addr: '0.0.0.0', port: 8080, queue: i % 4, capacity: 3, inode: 77, pid: 12, comm: 'srv' }],
    owners: [],
    sysctls: { 'net.core.somaxconn': i < 5 ? '4096' : '128', 'net.ipv4.tcp_abort_on_overflow': '0' },
    pollMs: 1,
    notes: [],
    ...over,
  };
}

/** n intervals of raw inputs starting at t0 (a probe line and a host sample per interval, host first). */
export function rawInputs(n: number, t0 = 1_700_000_000_000): RawInput[] {
  const out: RawInput[] = [];
  for (let i = 0; i < n; i++) {
    const t = t0 + i * 1000;
    if (i > 0)
      out.push({ kind: 'probe', t: t - 10, line: `{"type": "printf", "data": "line ${i} \\"quoted\\" ünïcode"}` });
    if (i === 3) out.push({ kind: 'gap', t: t - 5, reason: 'bpftrace exited', durationMs: 700 });
    out.push({ kind: 'host', t, sample: hostSample(i) });
  }
  return out;
}

export interface FakeSession extends LiveSession {
  input$: Subject<RawInput>;
  stopped: number;
}

export function fakeSession(desc = description()): FakeSession {
  const input$ = new Subject<RawInput>();
  const s: FakeSession = {
    info: desc.info,
    input$,
    inputs$: input$.asObservable(),
    snapshots$: new Subject<never>(),
    describe: () => desc,
    stopped: 0,
    stop: async () => {
      s.stopped++;
      input$.complete();
    },
  };
  return s;
}

export async function tempDir(): Promise<{
  dir: string;
  path: (name: string) => string;
  cleanup: () => Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpscope-rec-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Captured bpftrace 0.17 stdout (kernel 6.18) of the full program, netns 4026532177: realistic probe lines. */
export const CAPTURE_NS = 4026532177;

export async function capturedProbeLines(): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const text = await readFile(new URL('../../fixtures/bpftrace/full-6.18.ndjson', import.meta.url), 'utf8');
  return text.split('\n').filter((l) => l.length > 0);
}

export function ebpfDescription(): SessionDescription {
  const d = description({
    mode: 'ebpf',
    modeReason: undefined,
    netns: { inode: CAPTURE_NS, name: 'tsx' },
    bpftraceVersion: '0.17.0',
  });
  return {
    ...d,
    reasonTables: {
      resetReasons: { 0: 'NOT_SPECIFIED', 1: 'NO_SOCKET', 14: 'TCP_STATE' },
      dropReasons: { 3: 'NO_SOCKET', 12: 'TCP_CSUM', 40: 'TCP_LISTEN_OVERFLOW', 104: 'OTHER' },
    },
    program: 'tracepoint:sock:inet_sock_set_state { }',
    programArgs: ['4026532177', '0', '1000', '20'],
  };
}

/**
 * Raw inputs the way startSession produces them: the captured probe lines, and a host sample after each tick line
 * (the first sample before any probe line). Host samples grow an accept-queue overflow from interval 3 on.
 */
export function liveLikeInputs(lines: readonly string[], rounds = 1, t0 = 1_700_000_000_000): RawInput[] {
  const out: RawInput[] = [];
  let t = t0;
  let i = 0;
  const host = (): RawInput => {
    const overflow = i >= 3 ? (i - 2) * 40 : 0;
    return {
      kind: 'host',
      t,
      sample: hostSample(i, {
        netns: { inode: CAPTURE_NS, name: 'tsx' },
        counters: {
          TcpExtListenOverflows: overflow,
          TcpExtListenDrops: overflow,
          TcpOutRsts: i * 2,
          TcpRetransSegs: i,
          TcpActiveOpens: 10 * i,
        },
        listeners: [
          {
            family: 4,
            addr: '127.0.0.1',
            port: 7002,
            queue: i >= 3 ? 17 : 0,
            capacity: 16,
            inode: 9,
            pid: 14353,
            comm: 'node',
          },
        ],
      }),
    };
  };
  out.push(host());
  for (let r = 0; r < rounds; r++) {
    for (const line of lines) {
      t += 3;
      out.push({ kind: 'probe', t, line });
      if (line.includes('@@tick')) {
        i++;
        t = t0 + i * 1000;
        out.push(host());
      }
    }
  }
  return out;
}

/** Writes a recording of `rounds` passes over the captured probe lines, the way `tcpscope record` does. */
export async function writeCapturedRecording(path: string, rounds = 2): Promise<number> {
  const { createRecorder } = await import('../../../src/record/recorder.js');
  const session = fakeSession(ebpfDescription());
  const rec = createRecorder(session, { path, gzip: path.endsWith('.gz') });
  const inputs = liveLikeInputs(await capturedProbeLines(), rounds);
  for (const i of inputs) session.input$.next(i);
  session.input$.complete();
  const summary = await rec.done;
  return summary.intervals;
}

/**
 * The entries as the recorder was given them: checks each host entry's counterDeltas hint (what the reader adds so
 * the pipeline skips comparing every counter) against counterDeltas of consecutive samples, then drops it.
 */
export function withoutHints<T extends { kind: string }>(entries: readonly T[]): T[] {
  let prev: HostInput | undefined;
  return entries.map((e) => {
    if (e.kind === 'segment') prev = undefined;
    if (e.kind !== 'host') return e;
    const h = e as unknown as HostInput;
    const { counterDeltas: hint, ...plain } = h;
    if (prev) {
      expect(hint, `hint of the host entry at ${h.t}`).toEqual({
        since: prev.t,
        deltas: counterDeltas(prev.sample.counters, h.sample.counters, { nonZero: true }),
      });
    } else {
      expect(hint).toBeUndefined();
    }
    prev = h;
    return plain as unknown as T;
  });
}
