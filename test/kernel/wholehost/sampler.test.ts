// The multi-netns sampler against real namespaces: a netns with a process (census vs ss, capacity vs ss Send-Q,
// counters vs the netns's own nstat), a netns with sockets but no process (read through one holder, not a process per
// poll), a new netns found on the next poll, a deleted one dropped with its holder stopped, sysctls at their cadence.
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commOf, netnsOfPid } from '../../../src/kernel/netns/scan.js';
import { createHostSetSampler, type HostSetSampler } from '../../../src/kernel/wholehost/sampler.js';
import type { HostSetSample } from '../../../src/model/host-set-sample.js';
import { requireLab } from '../../helpers/prereq.js';
import { churn, holdStates, makeNetns, nstat, ssCount, type StateHolder } from '../host/netns-fixture.js';

type Ns = Awaited<ReturnType<typeof makeNetns>>;
const inodeOf = async (name: string): Promise<number> =>
  Number((await execa('stat', ['-L', '-c', '%i', `/run/netns/${name}`])).stdout);
const find = (set: HostSetSample, inode: number) => set.samples.find((s) => s.netns.inode === inode);

describe('whole-host sampler on real namespaces', () => {
  let app: Ns;
  let bare: Ns;
  let holder: StateHolder;
  let sampler: HostSetSampler;
  let appInode = 0;
  let bareInode = 0;

  beforeAll(async () => {
    await requireLab();
    app = await makeNetns();
    bare = await makeNetns();
    await execa('ip', ['netns', 'exec', app.name, 'sysctl', '-qw', 'net.ipv4.tcp_synack_retries=2']);
    holder = await holdStates(app.path);
    // TIME_WAIT sockets left behind by a process that has exited: the netns has TCP sockets and no process.
    await churn(bare.name, 20);
    appInode = await inodeOf(app.name);
    bareInode = await inodeOf(bare.name);
    sampler = createHostSetSampler({ sysctlEvery: 3 });
  });
  afterAll(async () => {
    await sampler?.close();
    await holder?.stop();
    await app?.del();
    await bare?.del();
  });

  it('samples the host netns and both test namespaces; census, capacity and counters match the kernel', async () => {
    const set = await sampler.poll();
    const host = set.samples.find((s) => s.netns.isHost);
    expect(host?.netns.inode).toBe(await netnsOfPid(process.pid));
    const a = find(set, appInode);
    expect(a?.netns).toMatchObject({ name: app.name });
    expect(a?.census).toMatchObject({
      TIME_WAIT: await ssCount(app.name, 'time-wait'),
      CLOSE_WAIT: 6,
      FIN_WAIT2: 6,
      ESTABLISHED: 6,
      LISTEN: 1,
    });
    // Capacity comes from one ss run for the new listener (the backlog 7 of the fixture).
    expect(a?.listeners).toEqual([
      expect.objectContaining({ port: holder.port, queue: 0, capacity: 7, pid: holder.pid, comm: 'node' }),
    ]);
    expect(a?.owners).toContainEqual({ state: 'CLOSE_WAIT', pid: holder.pid, comm: 'node', count: 6 });
    expect(a?.sysctls['net.ipv4.tcp_synack_retries']).toBe('2');
    const truth = await nstat(app.name);
    for (const k of ['TcpActiveOpens', 'TcpPassiveOpens', 'TcpExtTCPTimeouts', 'TcpOutRsts', 'TcpExtListenOverflows']) {
      expect(a?.counters[k] ?? 0, k).toBe(truth[k] ?? 0);
    }
    const b = find(set, bareInode);
    expect(b?.census.TIME_WAIT).toBe(await ssCount(bare.name, 'time-wait'));
    expect(b?.census.TIME_WAIT).toBeGreaterThanOrEqual(20);
    expect((await nstat(bare.name)).TcpActiveOpens).toBe(b?.counters.TcpActiveOpens);
    expect(set.notes).toEqual([]);
  });

  it('reads a process-less netns through one long-lived holder, not a process per poll', async () => {
    const pidsIn = async (): Promise<number[]> => {
      const out: number[] = [];
      for (const p of (await execa('ip', ['netns', 'pids', bare.name])).stdout.split('\n').filter(Boolean).map(Number))
        out.push(p);
      return out;
    };
    const before = await pidsIn();
    expect(before).toHaveLength(1);
    expect(await commOf(before[0]!)).toBe('cat');
    await sampler.poll();
    await sampler.poll();
    expect(await pidsIn()).toEqual(before);
  });

  it('re-reads the sysctls of another netns at its cadence (every 3rd poll here)', async () => {
    await execa('ip', ['netns', 'exec', app.name, 'sysctl', '-qw', 'net.ipv4.tcp_synack_retries=3']);
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 3; i++) seen.push(find(await sampler.poll(), appInode)?.sysctls['net.ipv4.tcp_synack_retries']);
    expect(seen).toContain('3');
  });

  it('finds a netns created after start within 2 polls and drops a deleted one (its holder gone too)', async () => {
    const late = await makeNetns();
    try {
      await churn(late.name, 3);
      const lateInode = await inodeOf(late.name);
      // Discovery runs every 2nd poll: the new netns is in view within 2 polls.
      const first = await sampler.poll();
      const set = find(first, lateInode) ? first : await sampler.poll();
      expect(find(set, lateInode)?.census.TIME_WAIT).toBeGreaterThanOrEqual(3);
    } finally {
      await late.del();
    }
    const holderPid = Number((await execa('ip', ['netns', 'pids', bare.name])).stdout.trim());
    await bare.del();
    await sampler.poll();
    const set = await sampler.poll();
    expect(find(set, bareInode)).toBeUndefined();
    expect(set.unreadable.find((u) => u.netns.inode === bareInode)).toBeUndefined();
    // The holder kept the netns alive while we read it; once its name is gone the reader is closed.
    for (let i = 0; i < 50 && (await commOf(holderPid)) !== undefined; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await commOf(holderPid)).toBeUndefined();
  });

  it('close() during a poll leaves no holder process behind (a running holder kept `top` from exiting)', async () => {
    const quiet = await makeNetns();
    try {
      await churn(quiet.name, 3); // TIME_WAIT only: TCP sockets and no process, so reading it needs a holder
      const pids = async (): Promise<string> => (await execa('ip', ['netns', 'pids', quiet.name])).stdout.trim();
      for (const delayMs of [0, 5, 20, 60]) {
        const s = createHostSetSampler();
        const inFlight = s.poll().catch(() => undefined);
        await new Promise((r) => setTimeout(r, delayMs));
        await s.close();
        await inFlight;
        await new Promise((r) => setTimeout(r, 300));
        expect(await pids(), `close ${delayMs} ms into the poll`).toBe('');
      }
    } finally {
      await quiet.del();
    }
  });
});
