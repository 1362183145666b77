// The whole-host reader's cost cuts against real namespaces: a socket table read without the kernel's extra walk at
// EOF gives the same bytes as a plain read to EOF (a multi-page table, v4 and v6), and a quiet netns reuses its last
// table read only while that read is provably still true (census equal to ss after each change).
import { readFile } from 'node:fs/promises';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSeqTable } from '../../../src/kernel/host/seq-read.js';
import { NetnsReader } from '../../../src/kernel/wholehost/netns-reader.js';
import { startWholeHostSession } from '../../../src/session/wholehost.js';
import { requireLab } from '../../helpers/prereq.js';
import { churn, holdStates, makeNetns, ssCount, type StateHolder } from '../host/netns-fixture.js';

type Ns = Awaited<ReturnType<typeof makeNetns>>;
const inodeOf = async (name: string): Promise<number> =>
  Number((await execa('stat', ['-L', '-c', '%i', `/run/netns/${name}`])).stdout);

/** Listeners on 127.0.0.1 and/or ::1 (families '46', '6') with N accepted connections each; a stdin line `more` opens one more (accepted). */
const HOLD_JS = `
const net = require('net');
const keep = [];
const n = Number(process.argv[1]);
const fam = process.argv[2];
const listen = (host) => new Promise((res) => { const s = net.createServer((c) => keep.push(c)); s.listen({ host, port: 0, backlog: 16 }, () => res(s)); });
const conn = (host, port) => new Promise((res, rej) => { const c = net.connect({ host, port }, () => res(c)); c.on('error', rej); keep.push(c); });
(async () => {
  const v4 = fam.includes('4') ? await listen('127.0.0.1') : undefined;
  const v6 = await listen('::1');
  for (let i = 0; i < n; i++) { if (v4) await conn('127.0.0.1', v4.address().port); await conn('::1', v6.address().port); }
  await new Promise((r) => setTimeout(r, 200));
  process.stdout.write('ready\\n');
  process.stdin.on('data', async (d) => {
    for (const cmd of d.toString().trim().split('\\n')) {
      if (cmd === 'more') await (v4 ? conn('127.0.0.1', v4.address().port) : conn('::1', v6.address().port));
    }
    await new Promise((r) => setTimeout(r, 200));
    process.stdout.write('done\\n');
  });
})();
process.stdin.on('end', () => process.exit(0));
`;

async function hold(
  ns: Ns,
  n: number,
  families = '46',
): Promise<{ pid: number; send(cmd: string): Promise<void>; stop(): Promise<void> }> {
  const child: ResultPromise = execa(
    'nsenter',
    [`--net=${ns.path}`, '--', process.execPath, '-e', HOLD_JS, String(n), families],
    {
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      reject: false,
    },
  );
  let out = '';
  const waitFor = (word: string, count: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (out.split('\n').filter((l) => l === word).length >= count) resolve();
      };
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        check();
      });
      void child.then((r) => reject(new Error(`holder exited: ${String(r.stderr)}`)));
      check();
    });
  await waitFor('ready', 1);
  let sent = 0;
  return {
    pid: child.pid!,
    send: async (cmd) => {
      child.stdin?.write(`${cmd}\n`);
      await waitFor('done', ++sent);
    },
    stop: async () => {
      child.stdin?.end();
      await child;
    },
  };
}

describe('whole-host reader cost cuts on real namespaces', () => {
  let quiet: Ns;
  let busy: Ns;
  let holder: Awaited<ReturnType<typeof hold>>;
  let states: StateHolder;

  beforeAll(async () => {
    await requireLab();
    quiet = await makeNetns();
    busy = await makeNetns();
    holder = await hold(quiet, 150);
    states = await holdStates(busy.path);
  });
  afterAll(async () => {
    await holder?.stop();
    await states?.stop();
    await quiet?.del();
    await busy?.del();
  });

  it('reads a multi-page tcp and tcp6 table to the same bytes as a read to EOF', async () => {
    for (const f of ['tcp', 'tcp6']) {
      const path = `/proc/${holder.pid}/net/${f}`;
      const plain = await readFile(path);
      expect(plain.length, f).toBeGreaterThan(4 * 4096); // 300 sockets + a listener: several seq_file pages
      expect((await readSeqTable(path)).toString('latin1'), f).toBe(plain.toString('latin1'));
    }
    const empty = `/proc/${states.pid}/net/tcp6`; // header only
    expect((await readSeqTable(empty)).toString('latin1')).toBe((await readFile(empty)).toString('latin1'));
  });

  it('reuses the table of a quiet netns, re-reads it after a change, never while a transient state exists', async () => {
    const reader = new NetnsReader(
      { inode: await inodeOf(quiet.name), name: quiet.name, path: quiet.path, pid: holder.pid, isSelf: false },
      { sysctlEvery: 1000, phase: 0, ownersEveryMs: 0 },
    );
    reader.pids = [holder.pid];
    const read = async () => reader.read(await reader.sockstat());
    try {
      const first = await read();
      expect(first.census).toMatchObject({ ESTABLISHED: 600, LISTEN: 2 });
      const again = await read();
      expect(reader.tableReuses).toBe(1);
      expect(again.census).toEqual(first.census);
      expect(again.listeners).toEqual(first.listeners);

      await holder.send('more'); // a new connection: counters and sockstat move, the table is read again
      const after = await read();
      expect(reader.tableReuses).toBe(1);
      expect(after.census.ESTABLISHED).toBe(602);
      expect(after.census.ESTABLISHED).toBe(await ssCount(quiet.name, 'established'));
    } finally {
      await reader.close();
    }

    // FIN_WAIT2 (orphaned ones expire on a timer without any counter moving): never reused.
    const r2 = new NetnsReader(
      { inode: await inodeOf(busy.name), name: busy.name, path: busy.path, pid: states.pid, isSelf: false },
      { sysctlEvery: 1000, phase: 0, ownersEveryMs: 0 },
    );
    r2.pids = [states.pid];
    try {
      for (let i = 0; i < 3; i++) expect((await r2.read(await r2.sockstat())).census.FIN_WAIT2).toBeGreaterThan(0);
      expect(r2.tableReuses).toBe(0);
      // IPv4 only: its tcp6 table is not read, and the census is still the kernel's.
      expect(r2.tablesSkipped).toBe(3);
      const c = (await r2.read(await r2.sockstat())).census;
      for (const [state, ss] of [
        ['ESTABLISHED', 'established'],
        ['TIME_WAIT', 'time-wait'],
        ['CLOSE_WAIT', 'close-wait'],
        ['FIN_WAIT2', 'fin-wait-2'],
        ['LISTEN', 'listening'],
      ] as const)
        expect(c[state], state).toBe(await ssCount(busy.name, ss));
    } finally {
      await r2.close();
    }
  });

  it('reads the other family too when its timewait sockets are not all in the first table', async () => {
    const mixed = await makeNetns();
    let h6: Awaited<ReturnType<typeof hold>> | undefined;
    let reader: NetnsReader | undefined;
    try {
      await churn(mixed.name, 10); // IPv4 TIME_WAIT sockets, no IPv4 socket left in use
      h6 = await hold(mixed, 20, '6'); // IPv6 only in use: its table is read first
      reader = new NetnsReader(
        { inode: await inodeOf(mixed.name), name: mixed.name, path: mixed.path, pid: h6.pid, isSelf: false },
        { sysctlEvery: 1000, phase: 0, ownersEveryMs: 0 },
      );
      reader.pids = [h6.pid];
      const c = (await reader.read(await reader.sockstat())).census;
      expect(reader.tablesSkipped).toBe(0);
      expect(c.TIME_WAIT).toBeGreaterThanOrEqual(10);
      expect(c.TIME_WAIT).toBe(await ssCount(mixed.name, 'time-wait'));
      expect(c.ESTABLISHED).toBe(40);
    } finally {
      await reader?.close();
      await h6?.stop();
      await mixed.del();
    }
  });

  it('reads only the IPv6 table of an IPv6-only netns', async () => {
    const v6 = await makeNetns();
    let h6: Awaited<ReturnType<typeof hold>> | undefined;
    let reader: NetnsReader | undefined;
    try {
      h6 = await hold(v6, 20, '6');
      reader = new NetnsReader(
        { inode: await inodeOf(v6.name), name: v6.name, path: v6.path, pid: h6.pid, isSelf: false },
        { sysctlEvery: 1000, phase: 0, ownersEveryMs: 0 },
      );
      reader.pids = [h6.pid];
      const s = await reader.read(await reader.sockstat());
      expect(reader.tablesSkipped).toBe(1);
      expect(s.census).toMatchObject({ ESTABLISHED: 40, LISTEN: 1 });
      expect(s.listeners).toEqual([expect.objectContaining({ addr: '::1', family: 6, pid: h6.pid })]);
    } finally {
      await reader?.close();
      await h6?.stop();
      await v6.del();
    }
  });

  it('loads the connect-latency probe only with --latency, as single-netns mode does (≈ 180 ns per state change)', async () => {
    for (const latency of [undefined, true]) {
      const session = await startWholeHostSession({ intervalMs: 1000, latency });
      try {
        expect(session.describe().program, String(latency)).toBeDefined();
        expect(session.describe().program?.includes('@cl['), String(latency)).toBe(latency === true);
      } finally {
        await session.stop();
      }
    }
  });
});
