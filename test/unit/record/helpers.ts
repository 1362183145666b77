// Shared builders for the record tests: a session description, host samples and a LiveSession driven by a Subject.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import type { HostSample } from '../../../src/kernel/host/sample.js';
import type { RawInput } from '../../../src/pipeline/inputs.js';
import type { LiveSession, SessionDescription } from '../../../src/pipeline/session-types.js';

export const NS = 4026532100;

export function description(over: Partial<SessionDescription['info']> = {}): SessionDescription {
  return {
    info: {
      host: 'lab', kernel: '6.18.0', netns: { inode: NS, name: 'web' }, mode: 'procfs', modeReason: 'test',
      intervalMs: 1000, bpftraceVersion: undefined, port: undefined, ...over,
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
    if (i > 0) out.push({ kind: 'probe', t: t - 10, line: `{"type": "printf", "data": "line ${i} \\"quoted\\" ünïcode"}` });
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

export async function tempDir(): Promise<{ dir: string; path: (name: string) => string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tcpscope-rec-'));
  return { dir, path: (name) => join(dir, name), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
