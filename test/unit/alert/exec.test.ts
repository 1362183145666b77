// --exec runs real commands: env + stdin delivered, hanging commands killed at the timeout, concurrency bounded.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecAction } from '../../../src/alert/actions/exec.js';
import type { AlertEvent } from '../../../src/alert/event.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-exec-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (name: string, extra: Partial<AlertEvent> = {}): AlertEvent => ({
  type: 'alert',
  name,
  expr: 'TcpExtListenOverflows > 0',
  state: 'firing',
  value: 3,
  threshold: 0,
  time: 1_700_000_001_000,
  netns: { inode: 4026531840, name: 'web1' },
  severity: 'critical',
  message: `${name} firing`,
  ...extra,
});

async function script(name: string, body: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, `#!/bin/sh\n${body}\n`);
  await chmod(p, 0o700);
  return p;
}

/** Running (a zombie waiting for its reaper counts as gone). */
async function alive(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (Date.now() < until) {
    if (!(await alive(pid))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe('exec action', () => {
  it('passes the event in TCPSCOPE_* variables and as JSON on stdin, arguments without a shell', async () => {
    const out = join(dir, 'record');
    const rec = await script(
      'record.sh',
      `out="$1"; shift
{ echo "NAME=$TCPSCOPE_ALERT_NAME"; echo "STATE=$TCPSCOPE_ALERT_STATE"; echo "VALUE=$TCPSCOPE_ALERT_VALUE"
  echo "EXPR=$TCPSCOPE_ALERT_EXPR"; echo "NETNS=$TCPSCOPE_NETNS"; echo "THRESHOLD=$TCPSCOPE_ALERT_THRESHOLD"
  echo "SEVERITY=$TCPSCOPE_ALERT_SEVERITY"; echo "ARGS=$#:$1"; echo "STDIN=$(cat)"; } > "$out"`,
    );
    const warnings: string[] = [];
    const a = createExecAction({ command: rec, args: [out, '$(touch pwned); x'], onWarning: (m) => warnings.push(m) });
    a.handle(event('overflow'));
    await a.close();
    const text = await readFile(out, 'utf8');
    expect(text).toContain(
      'NAME=overflow\nSTATE=firing\nVALUE=3\nEXPR=TcpExtListenOverflows > 0\nNETNS=web1\nTHRESHOLD=0\nSEVERITY=critical\n',
    );
    expect(text).toContain('ARGS=1:$(touch pwned); x\n');
    const stdin = JSON.parse(text.slice(text.indexOf('STDIN=') + 6)) as AlertEvent;
    expect(stdin).toEqual(event('overflow'));
    expect(await readdir(dir)).not.toContain('pwned');
    expect(warnings).toEqual([]);
    expect(a.stats()).toMatchObject({ started: 1, succeeded: 1, failed: 0 });
  });

  it('kills a hanging command and its children at the timeout while other events keep running', async () => {
    const pidFile = join(dir, 'hang.pid');
    const hang = await script('hang.sh', `sleep 300 & echo $! > "${pidFile}"; wait`);
    const fast = join(dir, 'fast.count');
    const quick = await script('quick.sh', `echo x >> "${fast}"`);
    const warnings: string[] = [];
    const slow = createExecAction({
      command: hang,
      timeoutMs: 500,
      killGraceMs: 300,
      onWarning: (m) => warnings.push(m),
    });
    const ok = createExecAction({ command: quick });
    const t0 = Date.now();
    slow.handle(event('stuck'));
    for (let i = 0; i < 3; i++) ok.handle(event(`q${i}`));
    await ok.close();
    // The quick action finished while the hanging one is still within its timeout.
    expect(slow.stats().running).toBe(1);
    expect((await readFile(fast, 'utf8')).split('\n').filter(Boolean)).toHaveLength(3);
    await slow.close();
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(slow.stats()).toMatchObject({ timedOut: 1 });
    expect(warnings[0]).toMatch(/killed after 500 ms \(alert stuck firing\)/);
    const sleeper = Number(await readFile(pidFile, 'utf8'));
    expect(await gone(sleeper, 3000)).toBe(true);
  });

  it('runs at most `concurrency` commands, queues up to the bound and drops the rest with a warning', async () => {
    const log = join(dir, 'conc.log');
    const cmd = await script(
      'conc.sh',
      `echo "start $TCPSCOPE_ALERT_NAME" >> "${log}"; sleep 0.3; echo "end $TCPSCOPE_ALERT_NAME" >> "${log}"`,
    );
    const warnings: string[] = [];
    const a = createExecAction({ command: cmd, concurrency: 2, queueLimit: 2, onWarning: (m) => warnings.push(m) });
    for (let i = 0; i < 6; i++) a.handle(event(`e${i}`));
    expect(a.stats()).toMatchObject({ running: 2, queued: 2, dropped: 2 });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/2 running and 2 queued, dropping alert e4 firing/);
    await a.close();
    const lines = (await readFile(log, 'utf8')).trim().split('\n');
    let running = 0;
    let peak = 0;
    for (const l of lines) {
      running += l.startsWith('start') ? 1 : -1;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(
      lines
        .filter((l) => l.startsWith('start'))
        .map((l) => l.slice(6))
        .sort(),
    ).toEqual(['e0', 'e1', 'e2', 'e3']);
  });

  it('reports a failing command and a missing one as warnings, never as a throw', async () => {
    const warnings: string[] = [];
    const fail = await script('fail.sh', 'exit 3');
    const a = createExecAction({ command: fail, onWarning: (m) => warnings.push(m) });
    const b = createExecAction({ command: join(dir, 'does-not-exist'), onWarning: (m) => warnings.push(m) });
    a.handle(event('x'));
    b.handle(event('y'));
    await Promise.all([a.close(), b.close()]);
    expect(warnings.some((w) => /exit code 3 \(alert x firing\)/.test(w))).toBe(true);
    expect(warnings.some((w) => w.includes('does-not-exist'))).toBe(true);
  });
});

describe('exec output routing (issue 13: never onto the dashboard terminal)', () => {
  it('hands stdout and stderr lines to onOutput instead of the terminal', async () => {
    const lines: string[] = [];
    const a = createExecAction({
      command: '/bin/sh',
      args: ['-c', 'echo out-line; echo err-line >&2; printf tail'],
      onOutput: (l) => lines.push(l),
    });
    a.handle({
      type: 'alert',
      name: 'n',
      expr: 'e',
      state: 'firing',
      value: 1,
      threshold: 0,
      time: 1,
      netns: { inode: 1, name: undefined },
      severity: 'warning',
      message: 'm',
    });
    await a.close();
    expect(lines.sort()).toEqual(['err-line', 'out-line', 'tail']);
  });
});
