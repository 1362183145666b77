// A real Docker container (the lab's private dockerd) with an accept-queue overflow: tcpscope names its netns by the
// container, selects it by name/id/runtime:name, reports the container netns's own kernel counters exactly, and
// degrades to short ids with one note when the Docker socket is unusable.
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabContainer, LabDocker } from '../../scripts/lab/index.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import {
  NO_DOCKER,
  cli as runCli,
  kernelCounters,
  overflowAcceptQueue,
  replayWithoutDocker,
  startOverflowContainer,
  stopDockerLab,
} from './docker-helpers.js';
import { startWatch, sumCounter } from './helpers.js';

const NAME = 'tslab-web1';
const COUNTERS = ['TcpExtListenOverflows', 'TcpExtListenDrops', 'TcpPassiveOpens', 'TcpExtTCPSynRetrans'];
let lab: LabDocker;
let web: LabContainer;
let env: Record<string, string>;

const cli = (args: string[], extraEnv: Record<string, string> = env) => runCli(args, extraEnv);

/** One short procfs watch: the netns its snapshots are about. */
async function snapshotsOf(netns: string, extraEnv: Record<string, string> = env): Promise<Snapshot[]> {
  const r = await cli(
    ['watch', '--json', '--procfs', '--interval', '300ms', '--duration', '1s', '--netns', netns],
    extraEnv,
  );
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Snapshot);
}

beforeAll(async () => {
  ({ lab, web, env } = await startOverflowContainer(NAME));
}, 120_000);

afterAll(() => stopDockerLab(lab), 60_000);

describe('Docker container names (real dockerd)', () => {
  it('tcpscope netns lists the container netns by name and image', async () => {
    const r = await cli(['netns', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const row = (
      JSON.parse(r.stdout) as {
        inode: number;
        owner?: { runtime: string; name: string; image?: string; id?: string };
      }[]
    ).find((n) => n.inode === web.netnsInode);
    expect(row?.owner).toMatchObject({ runtime: 'docker', name: NAME, image: 'tslab/listen:lab', id: web.id });
    const text = await cli(['netns']);
    expect(text.stdout).toMatch(new RegExp(`${web.netnsInode}\\s+${NAME} \\(docker, tslab/listen:lab\\)`));
  });

  it('--netns NAME, docker:NAME and an id prefix select the container netns; unknown names exit 6 with close matches', async () => {
    for (const spec of [NAME, `docker:${NAME}`, web.id.slice(0, 12)]) {
      const snaps = await snapshotsOf(spec);
      expect(snaps.length).toBeGreaterThan(0);
      expect(snaps.every((s) => s.netns.inode === web.netnsInode && s.netns.owner?.name === NAME)).toBe(true);
    }
    const bad = await cli(['watch', '--json', '--procfs', '--duration', '1s', '--netns', 'tslab-web2']);
    expect(bad.code).toBe(6);
    expect(bad.stderr).toContain('unknown netns "tslab-web2"');
    expect(bad.stderr).toContain(`close: docker:${NAME}`);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // one line, no stack
  });

  it('watch --json under the container name: exact counters of the container netns, and the Docker advice', async () => {
    const before = kernelCounters(web.pid);
    const w = startWatch(NAME, ['--interval', '500ms', '--procfs'], env);
    await w.moreSnapshots(2);
    // capacity min(128, somaxconn 2) = 2: three handshakes fill the accept queue (nobody accepts), the other SYNs
    // overflow it; then the counters settle and two more snapshots follow.
    await overflowAcceptQueue(lab, web);
    await w.moreSnapshots(2);
    expect(await w.stop()).toBe(130); // SIGINT, as after Ctrl-C
    const after = kernelCounters(web.pid);
    const snaps = w.snapshots;
    expect(after.TcpExtListenOverflows! - before.TcpExtListenOverflows!).toBeGreaterThan(0);
    for (const k of COUNTERS) expect(`${k} ${sumCounter(snaps, k)}`).toBe(`${k} ${(after[k] ?? 0) - (before[k] ?? 0)}`);
    expect(snaps.every((s) => s.netns.owner?.name === NAME && s.netns.owner.image === 'tslab/listen:lab')).toBe(true);
    const f = snaps.flatMap((s) => s.findings).find((x) => x.id === 'accept-queue-overflow');
    expect(f, 'accept-queue-overflow finding').toBeDefined();
    expect(f?.evidence.acceptCapacity).toBe(2);
    expect(f?.advice).toContain(`nsenter -t ${web.pid} -n sysctl -w net.core.somaxconn=4096`);
    expect(f?.advice.join('\n')).toContain(
      `recreate ${NAME} with docker run --sysctl net.core.somaxconn=4096 … tslab/listen:lab`,
    );
    expect(f?.advice.join('\n')).toContain(`(tslab-listen) in container ${NAME} (image tslab/listen:lab)`);
  });

  it('a rename during a session shows from the next snapshots (engine event stream), earlier ones keep the old name', async () => {
    const w = startWatch(NAME, ['--interval', '300ms', '--procfs'], env);
    try {
      await w.moreSnapshots(2);
      await lab.docker(['rename', NAME, `${NAME}-renamed`]);
      const end = Date.now() + 10_000;
      while (!w.snapshots.some((s) => s.netns.owner?.name === `${NAME}-renamed`) && Date.now() < end)
        await w.moreSnapshots(1);
    } finally {
      await lab.docker(['rename', `${NAME}-renamed`, NAME]);
      await w.stop();
    }
    const names = w.snapshots.map((s) => s.netns.owner?.name);
    const i = names.indexOf(`${NAME}-renamed`);
    expect(i, names.join(' ')).toBeGreaterThan(0);
    expect(names.slice(0, i).every((n) => n === NAME)).toBe(true);
  });

  it('a recording keeps the container name of its time: replay --json shows it', async () => {
    const dir = mkdtempSync('/tmp/tslab-rec-');
    try {
      const file = join(dir, 'web1.ndjson');
      const rec = await cli([
        'record',
        '-q',
        '-o',
        file,
        '--procfs',
        '--interval',
        '300ms',
        '--duration',
        '1500ms',
        '--netns',
        NAME,
      ]);
      expect(rec.code, rec.stderr).toBe(0);
      // Replayed without any Docker: the name comes from the recording.
      const snaps = await replayWithoutDocker<Snapshot>(file);
      expect(snaps.length).toBeGreaterThan(1);
      expect(
        snaps.every(
          (s) =>
            s.netns.inode === web.netnsInode &&
            s.netns.owner?.name === NAME &&
            s.netns.owner.image === 'tslab/listen:lab',
        ),
      ).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serve --textfile: the container netns series carry runtime= and container=', async () => {
    const dir = mkdtempSync('/tmp/tslab-prom-');
    try {
      const r = await cli([
        'serve',
        '--procfs',
        '--textfile',
        dir,
        '--interval',
        '300ms',
        '--duration',
        '1s',
        '--netns',
        NAME,
      ]);
      expect(r.code, r.stderr).toBe(0);
      const text = readFileSync(join(dir, 'tcpscope.prom'), 'utf8');
      expect(text).toMatch(
        new RegExp(`tcpscope_snapshots_total\\{netns="${web.netnsInode}",runtime="docker",container="${NAME}"\\} \\d+`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an unusable Docker socket: the container keeps its short id, one note, no error', async () => {
    const snaps = await snapshotsOf(String(web.netnsInode), { DOCKER_HOST: NO_DOCKER });
    expect(snaps.every((s) => s.netns.owner?.name === web.id.slice(0, 12) && s.netns.owner.image === undefined)).toBe(
      true,
    );
    const notes = snaps.flatMap((s) => s.notes).filter((n) => n.includes('docker socket'));
    expect(notes).toHaveLength(1);
  });
});
