import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TcpscopeError } from '../../../src/errors.js';
import { createHostPoller } from '../../../src/kernel/host/poller.js';
import { listenerAtCapacity } from '../../../src/kernel/host/listeners.js';
import { resolveNetns } from '../../../src/kernel/netns/resolve.js';
import { diffSysctls } from '../../../src/kernel/sysctl/diff.js';
import { readSysctls } from '../../../src/kernel/sysctl/read.js';
import { requireLab } from '../../helpers/prereq.js';
import { churn, holdStates, makeNetns, nstat, ssCount, type StateHolder } from './netns-fixture.js';

describe('host poller in a throwaway netns', () => {
  let ns: Awaited<ReturnType<typeof makeNetns>>;
  let holder: StateHolder;

  beforeAll(async () => {
    await requireLab();
    ns = await makeNetns();
    await execa('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv4.tcp_synack_retries=2']);
    holder = await holdStates(ns.path);
  });
  afterAll(async () => {
    await holder?.stop();
    await ns?.del();
  });

  it('census equals ss -tan state <x> (TIME_WAIT, CLOSE_WAIT, FIN_WAIT2, ESTABLISHED, LISTEN)', async () => {
    const poller = createHostPoller(await resolveNetns(ns.name));
    try {
      const s = await poller.poll();
      const truth = {
        TIME_WAIT: await ssCount(ns.name, 'time-wait'),
        CLOSE_WAIT: await ssCount(ns.name, 'close-wait'),
        FIN_WAIT2: await ssCount(ns.name, 'fin-wait-2'),
        ESTABLISHED: await ssCount(ns.name, 'established'),
        LISTEN: await ssCount(ns.name, 'listening'),
      };
      expect(truth).toEqual({ TIME_WAIT: 5, CLOSE_WAIT: 6, FIN_WAIT2: 6, ESTABLISHED: 6, LISTEN: 1 });
      expect(s.census).toMatchObject(truth);
      const procPoller = createHostPoller(await resolveNetns(ns.name), { censusMethod: 'proc' });
      const viaProc = await procPoller.poll();
      await procPoller.close();
      expect(viaProc.census).toMatchObject(truth);
      expect(s.notes).toEqual([]);
    } finally {
      await poller.close();
    }
  });

  it('names the listener (capacity = backlog 7) and the CLOSE_WAIT owner pid/comm', async () => {
    const poller = createHostPoller(await resolveNetns(ns.name));
    try {
      const s = await poller.poll();
      expect(s.listeners).toHaveLength(1);
      expect(s.listeners[0]).toMatchObject({
        family: 4,
        addr: '127.0.0.1',
        port: holder.port,
        queue: 0,
        capacity: 7,
        pid: holder.pid,
        comm: 'node',
      });
      expect(listenerAtCapacity(s.listeners[0]!)).toBe(false);
      expect(s.owners).toContainEqual({ state: 'CLOSE_WAIT', pid: holder.pid, comm: 'node', count: 6 });
      // Full FIN_WAIT2 (half-closed, still open) are owned; the 2 orphans (inode 0) are not.
      expect(s.owners).toContainEqual({ state: 'FIN_WAIT2', pid: holder.pid, comm: 'node', count: 4 });
    } finally {
      await poller.close();
    }
  });

  it('reads sysctls as the netns sees them, and sees a change between polls', async () => {
    const poller = createHostPoller(await resolveNetns(ns.name));
    try {
      const host = await readSysctls(await resolveNetns(undefined), ['net.ipv4.tcp_synack_retries']);
      const a = await poller.poll();
      expect(a.sysctls['net.ipv4.tcp_synack_retries']).toBe('2');
      expect(host.values['net.ipv4.tcp_synack_retries']).not.toBe('2');
      expect(a.sysctls['net.ipv4.tcp_mem']).toMatch(/^\d+ \d+ \d+$/); // host-wide, read from the host
      expect(a.sysctls['net.ipv4.tcp_tw_recycle']).toBeUndefined();
      await execa('ip', ['netns', 'exec', ns.name, 'sysctl', '-qw', 'net.ipv4.tcp_fin_timeout=17']);
      const b = await poller.poll();
      expect(diffSysctls(a.sysctls, b.sysctls, 1)).toEqual([
        { name: 'net.ipv4.tcp_fin_timeout', old: '60', new: '17', t: 1 },
      ]);
    } finally {
      await poller.close();
    }
  });

  it('counter deltas equal nstat deltas for generated traffic', async () => {
    const poller = createHostPoller(await resolveNetns(ns.name));
    try {
      const n1 = await nstat(ns.name);
      const a = await poller.poll();
      await churn(ns.name, 25);
      const n2 = await nstat(ns.name);
      const b = await poller.poll();
      for (const k of ['TcpActiveOpens', 'TcpPassiveOpens', 'TcpExtTW', 'TcpOutSegs', 'IpExtInOctets']) {
        const want = (n2[k] ?? 0) - (n1[k] ?? 0);
        expect((b.counters[k] ?? 0) - (a.counters[k] ?? 0), k).toBe(want);
      }
      expect((b.counters.TcpActiveOpens ?? 0) - (a.counters.TcpActiveOpens ?? 0)).toBe(25);
    } finally {
      await poller.close();
    }
  });
});

describe('netns edge cases', () => {
  it('unknown netns name -> one clear TcpscopeError (exit 6)', async () => {
    await requireLab();
    const err = await resolveNetns('no-such-netns-x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TcpscopeError);
    expect((err as TcpscopeError).exitCode).toBe(6);
    expect((err as TcpscopeError).message).toBe(
      'unknown netns "no-such-netns-x": not in /run/netns, not a pid, not an inode; see tcpscope netns',
    );
  });

  it('a netns with no process works and leaves no process behind', async () => {
    await requireLab();
    const ns = await makeNetns();
    try {
      const target = await resolveNetns(ns.name);
      expect(target.pid).toBeUndefined();
      const poller = createHostPoller(target);
      const s = await poller.poll();
      expect(s.census.LISTEN).toBe(0);
      expect(s.counters.TcpActiveOpens).toBe(0);
      expect(s.notes.join(' ')).toMatch(/has no process: holding one/);
      expect((await execa('ip', ['netns', 'pids', ns.name])).stdout.trim()).not.toBe('');
      await poller.close();
      expect((await execa('ip', ['netns', 'pids', ns.name])).stdout.trim()).toBe('');
    } finally {
      await ns.del();
    }
  });

  it('a pid that exits mid-session: another pid is used, then the holder; never a crash', async () => {
    await requireLab();
    const ns = await makeNetns();
    const a = await holdStates(ns.path);
    try {
      const target = await resolveNetns(String(a.pid));
      expect(target.pid).toBe(a.pid);
      expect(target.name).toBe(ns.name);
      const poller = createHostPoller(target);
      expect((await poller.poll()).census.LISTEN).toBe(1);
      await a.stop();
      const s = await poller.poll();
      expect(s.census.LISTEN).toBe(0);
      expect(s.notes.join(' ')).toMatch(/has no process: holding one/);
      await poller.close();
      expect((await execa('ip', ['netns', 'pids', ns.name])).stdout.trim()).toBe('');
    } finally {
      await a.stop();
      await ns.del();
    }
  });

  it('an unreadable sysctl source is a note, not a crash', async () => {
    await requireLab();
    const r = await readSysctls({ isSelf: false, path: '/nonexistent/netns' }, ['net.ipv4.tcp_syn_retries']);
    expect(r.values).toEqual({});
    expect(r.notes).toHaveLength(1);
    expect(r.notes[0]).toMatch(/sysctls unreadable in netns \/nonexistent\/netns/);
  });
});
