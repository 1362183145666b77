// The whole-host view (no --netns) with a real Docker container (the lab's private dockerd): its netns shows under
// the container's name in `watch --json`, with counters exactly the container netns's own /proc/PID/net counters,
// Docker-form advice, alert events and --exec env naming the container; `serve --textfile` labels its series with
// container=; a rename mid-session shows from the next snapshots (live, in a recording's replay and in the
// exporter, whose old-labelled series go) while earlier ones keep the old name. Only our own netns is asserted on.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabContainer, LabDocker } from '../../scripts/lab/index.js';
import type { AlertEvent } from '../../src/alert/event.js';
import type { HostSnapshot, NetnsSection } from '../../src/model/host-snapshot.js';
import {
  NO_DOCKER,
  kernelCounters,
  overflowAcceptQueue,
  replayWithoutDocker,
  startOverflowContainer,
  stopDockerLab,
} from './docker-helpers.js';
import { deadline } from '../../scripts/lab/time-scale.js';
import { CLI, startWatch } from './helpers.js';
import { capture, paneExit, startPane, tmux } from '../helpers/tmux.js';

const NAME = 'tslab-whweb';
const RENAMED = `${NAME}-renamed`;
const IMAGE = 'tslab/listen:lab';
const COUNTERS = ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpPassiveOpens', 'TcpExtTCPSynRetrans'];
let lab: LabDocker;
let web: LabContainer;
let env: Record<string, string>;
const dirs: string[] = [];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const tmp = (prefix: string): string => {
  const d = mkdtempSync(`/tmp/${prefix}`);
  dirs.push(d);
  return d;
};
const isHost = (l: unknown): l is HostSnapshot => (l as HostSnapshot).kind === 'host';
/** Our container's section of a whole-host snapshot (other tests' namespaces may be there too). */
const ours = (h: HostSnapshot): NetnsSection | undefined => h.namespaces.find((s) => s.netns.inode === web.netnsInode);
const namesOf = (hs: HostSnapshot[]): (string | undefined)[] =>
  hs.map(ours).flatMap((s) => (s ? [s.netns.owner?.name] : []));
/** Old name, then (from some snapshot on) only the new one: never back, never missing. */
function expectRenamedOnce(names: (string | undefined)[]): void {
  const i = names.indexOf(RENAMED);
  expect(i, names.join(' ')).toBeGreaterThan(0);
  expect(
    names.slice(0, i).every((n) => n === NAME),
    names.join(' '),
  ).toBe(true);
  expect(
    names.slice(i).every((n) => n === RENAMED),
    names.join(' '),
  ).toBe(true);
}
/** Whole-host `serve --textfile DIR` (procfs, 300 ms), every netns under its own label; stopped with SIGINT. */
const serveTextfile = (dir: string) =>
  execa('node', [CLI, 'serve', '--procfs', '--interval', '300ms', '--textfile', dir, '--max-netns', '100000'], {
    reject: false,
    env: { NO_COLOR: '1', ...env },
    killSignal: 'SIGINT',
    forceKillAfterDelay: 10_000,
  });
const seriesOf = (text: string, name: string): string[] =>
  text.split('\n').filter((l) => l.includes(`netns="${web.netnsInode}"`) && l.includes(`container="${name}"`));

beforeAll(async () => {
  ({ lab, web, env } = await startOverflowContainer(NAME));
}, 120_000);

afterAll(
  () =>
    stopDockerLab(lab, () => {
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    }),
  60_000,
);

describe('whole host with a real Docker container', () => {
  it('watch --json without --netns: the container by name, exact counters, Docker advice, alerts and --exec env', async () => {
    const envDir = tmp('tslab-whenv-');
    const before = kernelCounters(web.pid);
    const w = startWatch<HostSnapshot | AlertEvent>(
      undefined,
      [
        '--procfs',
        '--interval',
        '500ms',
        '--alert',
        'overflow: rate(TcpExtListenOverflows) > 0',
        '--exec',
        '/bin/sh',
        '-c',
        'env > "$0/$TCPSCOPE_NETNS_INODE.$TCPSCOPE_ALERT_STATE.env"',
        envDir,
      ],
      env,
    );
    await w.moreSnapshots(2, 90_000);
    await overflowAcceptQueue(lab, web);
    await w.moreSnapshots(2);
    const firing = join(envDir, `${web.netnsInode}.firing.env`);
    for (let i = 0; i < 50 && !existsSync(firing); i++) await sleep(200);
    expect(await w.stop()).toBe(130); // SIGINT, as after Ctrl-C
    const after = kernelCounters(web.pid);
    const hosts = w.snapshots.filter(isHost);
    const secs = hosts.map(ours);
    // Present in every snapshot (it has a listener), always under its container name; no --netns was given.
    expect(secs.every((s) => s !== undefined)).toBe(true);
    for (const s of secs) {
      expect(s!.netns.name).toBeUndefined();
      expect(s!.netns.pid).toBe(web.pid);
      expect(s!.netns.owner).toMatchObject({ runtime: 'docker', name: NAME, image: IMAGE, id: web.id });
    }
    expect(after.TcpExtListenOverflows! - before.TcpExtListenOverflows!).toBeGreaterThan(0);
    for (const k of COUNTERS) {
      const sum = secs.reduce((t, s) => t + (s?.snapshot?.counters[k] ?? 0), 0);
      expect(`${k} ${sum}`).toBe(`${k} ${(after[k] ?? 0) - (before[k] ?? 0)}`);
    }
    expect(secs.every((s) => s?.snapshot === undefined || s.snapshot.netns.owner?.name === NAME)).toBe(true);
    const f = secs.flatMap((s) => s?.snapshot?.findings ?? []).find((x) => x.id === 'accept-queue-overflow');
    expect(f, 'accept-queue-overflow finding').toBeDefined();
    expect(f?.title.startsWith(`[docker:${NAME}] `), f?.title).toBe(true);
    expect(f?.advice).toContain(`nsenter -t ${web.pid} -n sysctl -w net.core.somaxconn=4096`);
    expect(f?.advice.join('\n')).toContain(
      `recreate ${NAME} with docker run --sysctl net.core.somaxconn=4096 … ${IMAGE}`,
    );
    expect(f?.advice.join('\n')).toContain(`compose: sysctls: ["net.core.somaxconn=4096"]`);
    // The alert of our netns names the container, in the event and in the --exec environment.
    const alert = w.snapshots
      .filter((l): l is AlertEvent => (l as AlertEvent).type === 'alert')
      .find((e) => e.netns.inode === web.netnsInode && e.state === 'firing');
    expect(alert?.netns.owner).toMatchObject({ runtime: 'docker', name: NAME });
    expect(alert?.message).toContain(`in ${NAME} (docker, ${IMAGE})`);
    const vars = Object.fromEntries(
      readFileSync(firing, 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('TCPSCOPE_'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(vars).toMatchObject({
      TCPSCOPE_ALERT_NETNS: String(web.netnsInode),
      TCPSCOPE_NETNS_INODE: String(web.netnsInode),
      TCPSCOPE_ALERT_CONTAINER: NAME,
      TCPSCOPE_ALERT_CONTAINER_ID: web.id,
      TCPSCOPE_ALERT_IMAGE: IMAGE,
      TCPSCOPE_ALERT_RUNTIME: 'docker',
    });
  }, 180_000);

  it('sudo tcpscope (the overview, tmux 200×50): the container row by name with its overflow; enter opens it by its full label', async () => {
    const session = `tswh-${process.pid}`;
    const label = `${NAME} (docker, ${IMAGE})`;
    const wait = async (pred: (t: string) => boolean, ms: number, tick?: () => Promise<void>): Promise<string> => {
      const until = Date.now() + deadline(ms);
      let text = '';
      for (let n = 0; Date.now() < until; n++) {
        if (tick && n % 10 === 0) await tick();
        text = await capture(session);
        if (pred(text)) break;
        await sleep(500);
      }
      return text;
    };
    try {
      const pid = await startPane(session, 200, 50, ['node', CLI], { NO_COLOR: '1', ...env });
      let text = await wait((t) => /whole host/.test(t), 90_000);
      expect(text, text).toMatch(/whole host/);
      // Only ours: the name filter keeps the rows whose name holds the container's.
      await tmux(['send-keys', '-t', session, '/']);
      await sleep(500);
      await tmux(['send-keys', '-t', session, NAME, 'Enter']);
      // The NETNS column is at most 30 cells: the label starts with the container name and its runtime.
      const row = (t: string): string => t.split('\n').find((l) => l.includes(`${NAME} (docker, `)) ?? '';
      text = await wait(
        (t) => /CRIT accept/.test(row(t)),
        60_000,
        () => overflowAcceptQueue(lab, web),
      );
      expect(row(text), text).toMatch(/CRIT accept/);
      // Enter: its dashboard, whose header names the netns by the whole label (`web1 (docker, nginx:1.27)`).
      await tmux(['send-keys', '-t', session, 'Enter']);
      text = await wait((t) => t.includes('esc ◂ overview'), 30_000);
      expect(text, text).toContain(label);
      await tmux(['send-keys', '-t', session, 'Escape']);
      await sleep(1000);
      await tmux(['send-keys', '-t', session, 'q']);
      expect(await paneExit(session, pid)).toBe('1 0');
    } finally {
      await tmux(['kill-session', '-t', session]);
    }
  }, 240_000);

  it('serve --textfile without --netns: the container netns series carry runtime= and container=', async () => {
    const dir = tmp('tslab-whprom-');
    const prom = join(dir, 'tcpscope.prom');
    // No --duration: a loaded machine may take seconds per whole-host poll; wait for the file instead.
    const serve = serveTextfile(dir);
    let text = '';
    try {
      const end = Date.now() + deadline(90_000);
      while (Date.now() < end && serve.exitCode === null) {
        text = existsSync(prom) ? readFileSync(prom, 'utf8') : '';
        if (seriesOf(text, NAME).length > 0) break;
        await sleep(300);
      }
    } finally {
      serve.kill('SIGINT');
      await serve;
    }
    expect(text).toMatch(
      new RegExp(`tcpscope_snapshots_total\\{netns="${web.netnsInode}",runtime="docker",container="${NAME}"\\} \\d+`),
    );
  }, 180_000);

  it('an unusable Docker socket: the container keeps its short id, one note in the snapshots, no error', async () => {
    const w = startWatch<HostSnapshot>(undefined, ['--procfs', '--interval', '300ms'], { DOCKER_HOST: NO_DOCKER });
    try {
      await w.moreSnapshots(4, 90_000);
    } finally {
      expect(await w.stop()).toBe(130);
    }
    const secs = w.snapshots.map(ours);
    expect(secs.every((x) => x?.netns.owner?.name === web.id.slice(0, 12) && x.netns.owner.image === undefined)).toBe(
      true,
    );
    const notes = w.snapshots.flatMap((h) => h.notes).filter((n) => n.includes('docker socket'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /^docker socket \/nonexistent\/docker\.sock not usable .*: docker containers named by short id$/,
    );
  }, 180_000);

  it('a container stopped mid-session: its row goes (gone, still named), the rest of the view goes on', async () => {
    const STOPPED = 'tslab-whstop';
    const other = await lab.run(STOPPED, { port: 8081 });
    const w = startWatch<HostSnapshot>(undefined, ['--procfs', '--interval', '300ms'], env);
    try {
      await w.moreSnapshots(2, 90_000);
      await lab.docker(['stop', '-t', '0', STOPPED]);
      const gone = (h: HostSnapshot) => h.namespaces.find((x) => x.netns.inode === other.netnsInode);
      const end = Date.now() + deadline(60_000);
      while (!w.snapshots.some((h) => gone(h)?.status === 'gone') && Date.now() < end) await w.moreSnapshots(1);
      await w.moreSnapshots(2);
      const i = w.snapshots.findIndex((h) => gone(h)?.status === 'gone');
      expect(i, 'gone row').toBeGreaterThan(0);
      expect(gone(w.snapshots[i]!)?.netns.owner).toMatchObject({ runtime: 'docker', name: STOPPED });
      // Named in every row before it went; our other container keeps its name in every snapshot, after too.
      const before = w.snapshots.slice(0, i).map((h) => `${gone(h)?.status}:${gone(h)?.netns.owner?.name}`);
      expect(
        before.every((x) => x.endsWith(`:${STOPPED}`)),
        before.join(' '),
      ).toBe(true);
      expect(w.snapshots.every((h) => ours(h)?.netns.owner?.name === NAME)).toBe(true);
      expect(w.child.exitCode).toBeNull();
    } finally {
      expect(await w.stop()).toBe(130);
    }
  }, 180_000);

  it('a rename mid-session shows from the next snapshots (watch, a recording replayed, the exporter), earlier ones keep the old name', async () => {
    const dir = tmp('tslab-whren-');
    const file = join(dir, 'host.ndjson');
    const interval = ['--procfs', '--interval', '300ms'];
    const w = startWatch<HostSnapshot>(undefined, interval, env);
    const rec = execa('node', [CLI, 'record', '-q', '-o', file, ...interval], {
      reject: false,
      env: { NO_COLOR: '1', ...env },
      killSignal: 'SIGINT',
      forceKillAfterDelay: 10_000,
    });
    const serve = execa('node', [CLI, 'serve', '--textfile', dir, '--max-netns', '100000', ...interval], {
      reject: false,
      env: { NO_COLOR: '1', ...env },
      killSignal: 'SIGINT',
      forceKillAfterDelay: 10_000,
    });
    let renamed = false;
    try {
      await w.moreSnapshots(3, 90_000); // three whole-host processes start at once (each reads every netns)
      const prom = join(dir, 'tcpscope.prom');
      for (let i = 0; i < 300 && !(existsSync(prom) && seriesOf(readFileSync(prom, 'utf8'), NAME).length); i++)
        await sleep(300);
      expect(seriesOf(readFileSync(prom, 'utf8'), NAME).length).toBeGreaterThan(0);
      await lab.docker(['rename', NAME, RENAMED]);
      renamed = true;
      const end = Date.now() + deadline(60_000);
      while (!namesOf(w.snapshots).includes(RENAMED) && Date.now() < end) await w.moreSnapshots(1);
      await w.moreSnapshots(3);
      // The exporter: the new name only, the old-labelled series of this netns gone.
      const text = readFileSync(prom, 'utf8');
      expect(seriesOf(text, RENAMED).length).toBeGreaterThan(0);
      expect(seriesOf(text, NAME)).toEqual([]);
    } finally {
      rec.kill('SIGINT');
      serve.kill('SIGINT');
      await Promise.all([w.stop(), rec, serve]);
      // Back only after every run ended: none of them may see the old name again.
      if (renamed) await lab.docker(['rename', RENAMED, NAME]);
    }
    expectRenamedOnce(namesOf(w.snapshots));
    // Replayed without any Docker: the names come from the recording, each of its time.
    const replayed = (await replayWithoutDocker<unknown>(file)).filter(isHost);
    expectRenamedOnce(namesOf(replayed));
  }, 240_000);
});
