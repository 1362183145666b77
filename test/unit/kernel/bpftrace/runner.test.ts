// Runner and restarting source against a fake bpftrace: the stream survives crashes, backs off, marks gaps, then gives up.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstValueFrom, lastValueFrom, toArray, filter, take, type Observable } from 'rxjs';
import { ExitCode, TcpscopeError } from '../../../../src/errors.js';
import { runBpftrace, runningBpftracePids, whenBpftraceStopped } from '../../../../src/kernel/bpftrace/runner.js';
import { BatchDecoder, probeInputs$ } from '../../../../src/kernel/probes/index.js';
import type { GapInput, ProbeLineInput } from '../../../../src/model/inputs.js';

const FAKE = fileURLToPath(new URL('../../../fixtures/bpftrace/fake-bpftrace.mjs', import.meta.url));
const program = { text: 'BEGIN { }', args: ['0', '0', '1000', '20', '40', '2'] };
let dir: string;
let log: string;

const starts = (): { pid: number; argv: string[] }[] =>
  readFileSync(log, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { pid: number; argv: string[] });
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Collects everything until the stream errors; returns items and the error. */
async function untilError<T>(o: Observable<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  return new Promise((resolve) => {
    o.subscribe({
      next: (x) => items.push(x),
      error: (error: unknown) => resolve({ items, error }),
      complete: () => resolve({ items, error: undefined }),
    });
  });
}

beforeEach(() => {
  dir = mkdtempSync(`${tmpdir()}/tcpscope-fake-`);
  log = `${dir}/starts.log`;
  process.env.FAKE_BPFTRACE_LOG = log;
});
afterEach(() => {
  delete process.env.FAKE_BPFTRACE_MODE;
  rmSync(dir, { recursive: true, force: true });
});

describe('probeInputs$ with a crashing bpftrace', () => {
  it('restarts with back-off, emits gaps, keeps the stream usable, then fails with tracerCrashed', async () => {
    process.env.FAKE_BPFTRACE_MODE = 'crash';
    const t0 = Date.now();
    const { items, error } = await untilError(
      probeInputs$({ program, bpftrace: FAKE, backoffMs: [100, 300], maxFailures: 3, failureWindowMs: 60_000 }),
    );
    const elapsed = Date.now() - t0;
    expect(error).toBeInstanceOf(TcpscopeError);
    expect((error as TcpscopeError).exitCode).toBe(ExitCode.tracerCrashed);
    expect((error as TcpscopeError).message).toMatch(/3 times/);
    const gaps = items.filter((i): i is GapInput => i.kind === 'gap');
    expect(gaps.map((g) => g.durationMs)).toEqual([100, 300]);
    expect(gaps[0]!.reason).toMatch(/Segmentation fault|code 139/);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(starts()).toHaveLength(3);
    // Every start got -f json, the program, '--' then the positional parameters; never --unsafe.
    for (const s of starts()) {
      expect(s.argv.slice(0, 4)).toEqual(['-f', 'json', '-e', 'BEGIN { }']);
      expect(s.argv.slice(4)).toEqual(['--', ...program.args]);
      expect(s.argv).not.toContain('--unsafe');
    }
    // The decoder sees 3 runs: 3 batches, the truncated last line of each run counted as bad.
    const dec = new BatchDecoder({ resetReasons: { 1: 'NO_SOCKET' } });
    const batches = items
      .filter((i): i is ProbeLineInput => i.kind === 'probe')
      .map((i) => dec.push(i.line))
      .filter(Boolean);
    expect(batches).toHaveLength(3);
    expect(dec.stats).toMatchObject({ batches: 3, badLines: 3 });
    expect(batches[2]!.resetsSent).toEqual([{ netns: 4026532177, reason: 'NO_SOCKET', count: 1 }]);
    await whenBpftraceStopped();
  });

  it('does not restart when bpftrace cannot start at all: classified error', async () => {
    process.env.FAKE_BPFTRACE_MODE = 'fail-start';
    const { items, error } = await untilError(probeInputs$({ program, bpftrace: FAKE, backoffMs: [10] }));
    expect(items).toEqual([]);
    expect(error).toBeInstanceOf(TcpscopeError);
    expect((error as TcpscopeError).exitCode).toBe(ExitCode.tracer);
    expect((error as TcpscopeError).message).toContain('tcp:no_such_tp');
    expect(starts()).toHaveLength(1);
  });

  it('a missing binary is a clear tracer error', async () => {
    const { error } = await untilError(probeInputs$({ program, bpftrace: `${dir}/no-such-bpftrace` }));
    expect(error).toBeInstanceOf(TcpscopeError);
    expect((error as TcpscopeError).exitCode).toBe(ExitCode.tracer);
  });
});

describe('runBpftrace lifecycle', () => {
  for (const forceWatchdog of [false, true]) {
    it(`unsubscribing stops the process (${forceWatchdog ? 'watchdog' : 'setpriv'})`, async () => {
      process.env.FAKE_BPFTRACE_MODE = 'run';
      const events$ = runBpftrace({ program: program.text, args: program.args, bpftrace: FAKE, forceWatchdog });
      const got = await firstValueFrom(
        events$.pipe(
          filter((e) => e.kind === 'line' && e.line.includes('@@tick')),
          take(3),
          toArray(),
        ),
      );
      expect(got).toHaveLength(3);
      const pid = starts()[0]!.pid;
      // take(3) unsubscribed: SIGINT was sent, the process is reaped shortly after.
      await whenBpftraceStopped();
      expect(runningBpftracePids()).toEqual([]);
      expect(alive(pid)).toBe(false);
    });
  }

  it('a clean exit emits exit without error and completes', async () => {
    process.env.FAKE_BPFTRACE_MODE = 'crash';
    const events = await lastValueFrom(
      runBpftrace({ program: program.text, args: program.args, bpftrace: FAKE }).pipe(toArray()),
    );
    expect(events[0]!.kind).toBe('spawn');
    const exit = events.at(-1)!;
    expect(exit.kind).toBe('exit');
    if (exit.kind === 'exit') {
      expect(exit.exitCode).toBe(139);
      expect(exit.stderr).toEqual(['Segmentation fault']);
      expect(exit.error?.exitCode).toBe(ExitCode.tracer);
    }
    expect(
      events
        .filter((e) => e.kind === 'line')
        .map((e) => (e.kind === 'line' ? e.line : ''))
        .at(-1),
    ).toBe('{"type": "map", "data": {"@k": {"4026532177,10,3');
  });
});
