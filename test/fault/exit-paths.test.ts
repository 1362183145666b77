// Every way a session can end (q, SIGINT, SIGTERM, SIGHUP, SIGKILL, an uncaught exception) leaves no bpftrace
// process and none of its BPF programs behind, for `top` in a terminal and for `watch --json` in a pipe.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireCommand, requireKernelTracing } from '../helpers/prereq.js';
import { CLI, descendants, dropNetns, leftovers, sleep, throwawayNetns, tracersOf } from './helpers.js';
import { paneExit, startPane, tmux } from '../helpers/tmux.js';

type Ending = 'q' | 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGKILL' | 'fault';
// An uncaught exception is an internal bug: ExitCode.internal (70), never Node's 1 (which means "alert fired").
const EXPECTED_CODE: Record<Ending, number | undefined> = {
  q: 0,
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
  SIGKILL: undefined,
  fault: 70,
};

interface Outcome {
  ending: Ending;
  tracers: number;
  progs: number;
  left: { pids: number[]; progs: number[] };
  code: number | undefined;
  stderr: string;
  status?: string;
}

let ns = '';
beforeAll(async () => {
  await requireKernelTracing();
  await requireCommand('tmux');
  await requireCommand('bpftool', 'bpftool');
  ns = await throwawayNetns('exit');
}, 60_000);
afterAll(async () => {
  if (ns) await dropNetns(ns);
});

/** Ends a running tcpscope (pid) the given way; `q` is sent by the caller's keyboard function. */
function end(pid: number, ending: Ending, sendQ: () => Promise<void>): Promise<void> {
  if (ending === 'q') return sendQ();
  process.kill(pid, ending === 'fault' ? 'SIGUSR2' : ending);
  return Promise.resolve();
}

async function watchCase(ending: Ending): Promise<Outcome> {
  const child = execa('node', [CLI, 'watch', '--json', '--netns', ns], {
    reject: false,
    env: { NO_COLOR: '1', TCPSCOPE_FAULT: 'throw-on-usr2' },
    stdout: 'ignore',
    timeout: 90_000,
  });
  const pid = child.pid!;
  try {
    const tracers = await tracersOf(pid);
    const helpers = (await descendants(pid)).map((d) => d.pid);
    await end(pid, ending, async () => undefined);
    const r = await child;
    // The requirement: 2 s after the node process is gone, nothing of ours is left.
    await sleep(2000);
    const left = await leftovers(tracers, helpers);
    return {
      ending,
      tracers: tracers.length,
      progs: tracers.flatMap((t) => t.progs).length,
      left,
      code: r.exitCode,
      stderr: String(r.stderr),
    };
  } finally {
    child.kill('SIGKILL');
  }
}

async function topCase(ending: Ending): Promise<Outcome> {
  const session = `tsfault-${process.pid}-${ending}`;
  const pid = await startPane(session, 200, 60, ['node', CLI, 'top', '--netns', ns], {
    TCPSCOPE_FAULT: 'throw-on-usr2',
    NO_COLOR: '1',
  });
  try {
    const tracers = await tracersOf(pid);
    const helpers = (await descendants(pid)).map((d) => d.pid);
    await end(pid, ending, async () => {
      await tmux(['send-keys', '-t', session, 'q']);
    });
    // Exit status from tmux, or from the zombie when tmux has not reaped it yet.
    const status = await paneExit(session, pid);
    await sleep(2000);
    const left = await leftovers(tracers, helpers);
    if (left.pids.length > 0 || left.progs.length > 0) {
      const info = async (p: number): Promise<string> =>
        `${p}:${(await readFile(`/proc/${p}/stat`, 'utf8').catch(() => 'gone')).split(' ').slice(1, 4).join(' ')}`;
      console.log(
        `top ${ending}: status ${status}; node ${await info(pid)}; tracers ${tracers.map((t) => t.pid).join(',')}; left ${(await Promise.all(left.pids.map(info))).join(' | ')}`,
      );
    }
    const screen = (await tmux(['capture-pane', '-p', '-t', session])).stdout;
    const code = /^1 (\d+)/.exec(status)?.[1];
    return {
      ending,
      tracers: tracers.length,
      progs: tracers.flatMap((t) => t.progs).length,
      left,
      code: code === undefined ? undefined : Number(code),
      stderr: screen,
      status,
    };
  } finally {
    await tmux(['kill-session', '-t', session]);
  }
}

function check(o: Outcome, where: string): void {
  expect(o.tracers, `${where} ${o.ending}: bpftrace was running`).toBeGreaterThan(0);
  expect(o.progs, `${where} ${o.ending}: programs were attached`).toBeGreaterThan(0);
  expect(o.left, `${where} ${o.ending}: left behind`).toEqual({ pids: [], progs: [] });
  const want = EXPECTED_CODE[o.ending];
  if (want !== undefined) expect(o.code, `${where} ${o.ending}: exit code (${o.status ?? ''})`).toBe(want);
  if (o.ending === 'fault') {
    // In tmux the message goes to the alternate screen, which the terminal restore clears: checked for watch only.
    if (where === 'watch')
      expect(o.stderr).toMatch(/^tcpscope: internal error: TCPSCOPE_FAULT: injected uncaught exception/m);
  }
}

describe('exit paths leave no bpftrace and no BPF program', () => {
  it('watch --json: SIGINT, SIGTERM, SIGHUP, SIGKILL, uncaught exception', async () => {
    const endings: Ending[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL', 'fault'];
    const outcomes = await Promise.all(endings.map((e) => watchCase(e)));
    for (const o of outcomes) check(o, 'watch');
  }, 120_000);

  it('top in tmux: q, SIGINT, SIGTERM, SIGHUP, SIGKILL, uncaught exception', async () => {
    const endings: Ending[] = ['q', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL', 'fault'];
    const outcomes = await Promise.all(endings.map((e) => topCase(e)));
    if (process.env.FAULT_DEBUG)
      console.log(
        JSON.stringify(
          outcomes.map((o) => ({ ...o, stderr: o.stderr.trim().slice(-300) })),
          null,
          1,
        ),
      );
    for (const o of outcomes) check(o, 'top');
  }, 120_000);
});
