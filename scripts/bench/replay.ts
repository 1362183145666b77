// Replay throughput: builds a synthetic 1 M-event recording from real captured lines, then times the built binary,
// `node dist/cli/main.js replay --speed max --json FILE > /dev/null` (start-up included; the consumer's own speed is
// not tcpscope's). One untimed run through a pipe first checks the output: one NDJSON snapshot per interval.
// Usage: npx tsx scripts/bench/replay.ts [--events N] [--profile busy|quiet] [--gzip] [--rounds N] [--keep PATH]
// Prints one JSON line {events, seconds (median of the rounds), eventsPerSec, ...}; goal: >= 300 k events/s.
// Profiles: `busy` (default) = an incident interval: the captured map lines plus 20 SYN-ACK-retransmit and 20 reset
// detail lines (the in-kernel detail cap is 20 per kind), ~50 lines per interval; `quiet` = the capture as is
// (~7 lines per interval). A 1 M-event recording is hours of a busy host or days of a quiet one.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { execa } from 'execa';
import type { HostSample } from '../../src/model/host-sample.js';
import type { RawInput } from '../../src/model/inputs.js';
import type { LiveSession, SessionDescription } from '../../src/model/session.js';
import { createRecorder } from '../../src/record/recorder.js';

const FIXTURES = new URL('../../test/fixtures/', import.meta.url);
const NS = 4026532177;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function fixtures(): Promise<{ lines: string[]; sample: HostSample }> {
  // Real bpftrace 0.17 stdout of the full probe program (kernel 6.18) and a real host poll of this machine.
  const text = await readFile(new URL('bpftrace/full-6.18.ndjson', FIXTURES), 'utf8');
  const lines = text.split('\n').filter((l) => l.startsWith('{') && l.endsWith('}'));
  const sample = JSON.parse(await readFile(new URL('record/host-sample.json', FIXTURES), 'utf8')) as HostSample;
  sample.netns = { inode: NS, name: 'bench' };
  return { lines, sample };
}

function description(): SessionDescription {
  return {
    info: {
      host: 'bench',
      kernel: '6.18',
      netns: { inode: NS, name: 'bench' },
      mode: 'ebpf',
      modeReason: undefined,
      intervalMs: 1000,
      bpftraceVersion: '0.17.0',
      port: undefined,
    },
    tcpscopeVersion: 'bench',
    tracepoints: [],
    sysctls: {},
    program: 'bench',
    programArgs: [],
    reasonTables: {
      resetReasons: { 1: 'NO_SOCKET', 14: 'TCP_STATE' },
      dropReasons: { 3: 'NO_SOCKET', 12: 'TCP_CSUM', 104: 'OTHER' },
    },
  };
}

/** Writes `events` raw inputs the way a live session produces them: probe lines, a host sample after each tick. */
async function writeRecording(path: string, events: number, gzip: boolean, busy: boolean): Promise<number> {
  const { lines: captured, sample } = await fixtures();
  const synack = captured.find((l) => l.includes('@@d synack-retrans'))!;
  const reset = captured.find((l) => l.includes('@@d reset-sent'))!;
  // busy: every interval carries the detail lines at their cap, distinct client ports like a real incident
  const lines = busy
    ? captured.flatMap((l) =>
        l.includes('@@tick')
          ? [
              ...Array.from({ length: 20 }, (_, k) => synack.replace(' 32768 ', ` ${33000 + k} `)),
              ...Array.from({ length: 20 }, (_, k) => reset.replace(' 37172 ', ` ${40000 + k} `)),
              l,
            ]
          : [l],
      )
    : captured;
  const input$ = new Subject<RawInput>();
  const session: LiveSession = {
    info: description().info,
    inputs$: input$,
    snapshots$: new Subject(),
    describe: description,
    stop: async () => input$.complete(),
  };
  const rec = createRecorder(session, { path, gzip });
  let t = 1_700_000_000_000;
  let n = 0;
  let i = 0;
  const host = (): void => {
    // Counters move like a busy host: a few of them change every interval.
    const counters = { ...sample.counters };
    for (const k of [
      'TcpActiveOpens',
      'TcpPassiveOpens',
      'TcpInSegs',
      'TcpOutSegs',
      'TcpRetransSegs',
      'TcpOutRsts',
      'TcpExtListenOverflows',
      'TcpExtListenDrops',
      'IpInReceives',
      'IpOutRequests',
    ]) {
      counters[k] = (counters[k] ?? 0) + i * 7;
    }
    input$.next({ kind: 'host', t, sample: { ...sample, counters, census: { ...sample.census, TIME_WAIT: i % 500 } } });
    n++;
  };
  host();
  while (n < events) {
    for (const line of lines) {
      if (n >= events) break;
      t += 2;
      input$.next({ kind: 'probe', t, line });
      n++;
      if (line.includes('@@tick')) {
        i++;
        t = 1_700_000_000_000 + i * 1000;
        host();
      }
    }
    // let the recorder's write chain drain every round
    if (i % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  input$.complete();
  const summary = await rec.done;
  if (summary.error) throw summary.error;
  return summary.inputs;
}

const replayArgs = (path: string, json: boolean): string[] => [
  'dist/cli/main.js',
  'replay',
  '--speed',
  'max',
  json ? '--json' : '--lines',
  path,
];

/** The untimed check: the snapshot lines and bytes the binary writes, the first line parsed. */
async function checkOutput(path: string, json: boolean): Promise<{ lines: number; bytes: number }> {
  const child = execa('node', replayArgs(path, json), {
    buffer: { stdout: false, stderr: true },
    reject: false,
    stdin: 'ignore',
  });
  let bytes = 0;
  let lines = 0;
  let first = '';
  child.stdout?.on('data', (c: Buffer) => {
    if (lines === 0 && first.length < 1_000_000) first += c.toString();
    bytes += c.length;
    for (let i = c.indexOf(10); i >= 0; i = c.indexOf(10, i + 1)) lines++;
  });
  const r = await child;
  if (r.exitCode !== 0)
    throw new Error(`replay exited ${String(r.exitCode)}: ${String(r.stderr).trim().split('\n').at(-1) ?? ''}`);
  if (json) JSON.parse(first.slice(0, first.indexOf('\n')));
  return { lines, bytes };
}

/** One timed run of the real binary, stdout to /dev/null: wall seconds. */
async function timedRun(path: string, json: boolean): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa('node', replayArgs(path, json), {
    stdout: { file: '/dev/null' },
    stdin: 'ignore',
    reject: false,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.exitCode !== 0)
    throw new Error(`replay exited ${String(r.exitCode)}: ${String(r.stderr).trim().split('\n').at(-1) ?? ''}`);
  return seconds;
}

async function main(): Promise<void> {
  const events = Number(arg('--events') ?? 1_000_000);
  const gzip = process.argv.includes('--gzip');
  const profile = arg('--profile') ?? 'busy';
  if (profile !== 'busy' && profile !== 'quiet') throw new Error('--profile busy|quiet');
  const json = !process.argv.includes('--no-json');
  const rounds = Math.max(1, Number(arg('--rounds') ?? 3));
  const dir = await mkdtemp(join(tmpdir(), 'tcpscope-bench-'));
  try {
    const keep = arg('--keep');
    const path = keep ?? join(dir, gzip ? 'bench.ndjson.gz' : 'bench.ndjson');
    const written = await writeRecording(path, events, gzip, profile === 'busy');
    const bytes = (await stat(path)).size;
    const out = await checkOutput(path, json);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) times.push(await timedRun(path, json));
    times.sort((a, b) => a - b);
    const seconds = times[Math.floor((times.length - 1) / 2)]!;
    const snapshots = out.lines;
    process.stdout.write(
      `${JSON.stringify({
        events: written,
        seconds: Number(seconds.toFixed(3)),
        eventsPerSec: Math.round(written / seconds),
        bestSeconds: Number(times[0]!.toFixed(3)),
        rounds,
        loadavg1: Number(loadavg()[0]!.toFixed(2)),
        snapshots,
        fileBytes: bytes,
        profile,
        eventsPerInterval: Number((written / Math.max(1, snapshots)).toFixed(1)),
        gzip,
        json,
        outputBytes: out.bytes,
        goal: 300_000,
        ok: written / seconds >= 300_000,
      })}\n`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
