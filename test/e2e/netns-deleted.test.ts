// Issue 13 item 19, "deleting the watched netns mid-run is not reported", on the real binary: with --netns X in eBPF
// mode (the procfs case is in odd-input.test.ts) the session ends with exit 6 and says so; in whole-host mode (no
// --netns) the netns's row is marked gone, once, and the human line says GONE. Only our own netns is asserted about.
import { afterAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import type { HostSnapshot } from '../../src/model/host-snapshot.js';
import { hostWatchLines } from '../../src/cli/host-watch-line.js';
import { dropNetns, oneLineError, throwawayNetns } from '../fault/helpers.js';
import { requireKernelTracing } from '../helpers/prereq.js';

const CLI = 'dist/cli/main.js';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const made: string[] = [];
afterAll(async () => {
  for (const ns of made) await dropNetns(ns);
});

async function waitFor(what: string, ok: () => boolean, ms = 90_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) if (ok()) return;
  throw new Error(`timed out waiting for ${what}`);
}

describe('the watched netns deleted mid-run (item 19)', () => {
  it('--netns X in eBPF mode: exit 6, one line naming the netns, no bpftrace left', async () => {
    await requireKernelTracing();
    const ns = await throwawayNetns('del');
    made.push(ns);
    const child = execa('node', [CLI, 'watch', '--ebpf', '--netns', ns], { reject: false, timeout: 120_000 });
    let out = '';
    let err = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    // Deleted once bpftrace is attached, so the eBPF session (not only its procfs start) is what has to end.
    await waitFor('probes attached', () => err.includes('eBPF probes attached') && out.includes(ns));
    const tracers = (await execa('pgrep', ['-P', String(child.pid), 'bpftrace'], { reject: false })).stdout;
    await execa('ip', ['netns', 'del', ns]);
    const r = await child;
    expect(r.exitCode, err).toBe(6);
    // The same words whoever was last inside: our own holder, or (often here) another tcpscope's holder that left with
    // the name (it said "vanished (no process left in it) (pid N exited)" then, naming a pid the user never started).
    expect(err).toContain(`tcpscope: netns ${ns} was deleted (ip netns del) while watched (no process was left in it)`);
    expect(oneLineError(err)).toBe(true);
    for (const pid of tracers.split('\n').filter(Boolean))
      expect((await execa('kill', ['-0', pid], { reject: false })).exitCode, `bpftrace ${pid}`).not.toBe(0);
  }, 150_000);

  it('--netns X read through a process inside that exits with the deletion: the same words, no stray pid', async () => {
    const ns = await throwawayNetns('delp');
    made.push(ns);
    // tcpscope reads the netns through this process (no holder of its own); it ends right after `ip netns del`.
    const inside = execa('ip', ['netns', 'exec', ns, 'sleep', '600'], { reject: false });
    const child = execa('node', [CLI, 'watch', '--procfs', '--netns', ns], { reject: false, timeout: 120_000 });
    let out = '';
    child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
    await waitFor('first line', () => out.includes(ns));
    await execa('ip', ['netns', 'del', ns]);
    await sleep(1500); // a poll sees the name gone while the process still lives
    inside.kill('SIGKILL');
    await inside;
    const r = await child;
    expect(r.exitCode).toBe(6);
    expect(String(r.stderr)).toContain(
      `tcpscope: netns ${ns} was deleted (ip netns del) while watched (no process was left in it)`,
    );
    expect(String(r.stderr)).not.toMatch(/pid \d+ exited/);
  }, 150_000);

  it('whole host: the deleted netns is a row marked gone (once), shown as GONE', async () => {
    const ns = await throwawayNetns('delwh');
    made.push(ns);
    // One TCP socket in it, so the whole-host sampler reads it (idle namespaces are only counted).
    const server: ResultPromise = execa(
      'ip',
      [
        'netns',
        'exec',
        ns,
        'node',
        '-e',
        "require('net').createServer().listen(5555, '127.0.0.1', () => console.log('ready'))",
      ],
      { reject: false },
    );
    let ready = '';
    server.stdout?.on('data', (b: Buffer) => (ready += b.toString()));
    await waitFor('listener', () => ready.includes('ready'), 30_000);
    const inode = Number((await execa('stat', ['-L', '-c', '%i', `/run/netns/${ns}`])).stdout);

    const watch = execa('node', [CLI, 'watch', '--procfs', '--json', '--interval', '500ms'], {
      reject: false,
      timeout: 120_000,
    });
    const snaps: HostSnapshot[] = [];
    let rest = '';
    watch.stdout?.on('data', (b: Buffer) => {
      const lines = (rest + b.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) if (l.includes('"kind":"host"')) snaps.push(JSON.parse(l) as HostSnapshot);
    });
    const row = (h: HostSnapshot) => h.namespaces.find((s) => s.netns.inode === inode);
    try {
      await waitFor('our netns sampled', () => snaps.some((h) => row(h)?.status === 'ok'));
      server.kill('SIGKILL');
      await server;
      await execa('ip', ['netns', 'del', ns]);
      await waitFor('the gone row', () => snaps.some((h) => row(h)?.status === 'gone'));
      const at = snaps.findIndex((h) => row(h)?.status === 'gone');
      await waitFor('two more snapshots', () => snaps.length >= at + 3);
    } finally {
      watch.kill('SIGINT');
      await watch;
    }
    const gone = snaps.filter((h) => row(h)?.status === 'gone');
    expect(gone).toHaveLength(1);
    expect(row(gone[0]!)).toMatchObject({ netns: { inode, name: ns }, notes: ['netns vanished'] });
    const at = snaps.indexOf(gone[0]!);
    expect(snaps.slice(at + 1).some((h) => row(h) !== undefined)).toBe(false);
    expect(hostWatchLines(gone[0]!)).toMatch(new RegExp(`#\\d+ ${ns} GONE \\(netns vanished\\)`));
  }, 150_000);
});
