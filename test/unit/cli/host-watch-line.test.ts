// The whole-host watch lines name each netns by what ran in it at that interval (`docker:web1`, as --netns takes it),
// else its ip netns name, else `netns:<inode>`; a container's finding line carries the same tag.
import { describe, expect, it } from 'vitest';
import { hostWatchLines } from '../../../src/cli/host-watch-line.js';
import { createDiagnoser } from '../../../src/diagnose/index.js';
import type { HostSample, NetnsRef } from '../../../src/model/host-sample.js';
import { WholeHostAssembler } from '../../../src/pipeline/wholehost/assemble.js';
import { DEFAULT_SYSCTLS } from '../diagnose/factory.js';

const HOST = 4026531840;
const WEB = 4026532100;
const BARE = 4026532300;

const sample = (netns: NetnsRef, overflows: number): HostSample => ({
  netns,
  counters: { TcpExtListenOverflows: overflows, TcpExtListenDrops: overflows },
  sockstat: {},
  census: { LISTEN: 1 },
  listeners: [{ family: 4, addr: '0.0.0.0', port: 80, queue: 129, capacity: 128, inode: 9, pid: 812, comm: 'nginx' }],
  owners: [],
  sysctls: { ...DEFAULT_SYSCTLS },
  pollMs: 1,
  notes: [],
});

describe('hostWatchLines', () => {
  it('labels a container netns by its owner of that interval, its finding too; others by name or inode', () => {
    const asm = new WholeHostAssembler({
      intervalMs: 1000,
      mode: 'procfs',
      decoder: undefined,
      diagnoserFor: (_n, reference) => createDiagnoser({ reference }),
    });
    const web = (name: string): NetnsRef => ({
      inode: WEB,
      name: undefined,
      pid: 812,
      owner: { runtime: 'docker', name, image: 'nginx:1.27' },
    });
    const poll = (t: number, n: number, owner: string) =>
      asm.push({
        kind: 'hosts',
        t,
        set: {
          samples: [
            sample({ inode: HOST, name: undefined, isHost: true }, 0),
            sample(web(owner), n),
            sample({ inode: BARE, name: undefined, pid: 99 }, n),
          ],
          unreadable: [],
          idle: 0,
          pollMs: 1,
          notes: [],
        },
      });
    poll(1000, 0, 'web1');
    const lines = hostWatchLines(poll(2000, 50, 'web1')!);
    expect(lines).toMatch(/^ {2}#\d docker:web1 \| estab/m);
    expect(lines).toMatch(/^ {4}CRITICAL accept-queue-overflow: \[docker:web1\] /m);
    expect(lines).toMatch(new RegExp(`^ {2}#\\d netns:${BARE} \\| estab`, 'm'));
    const renamed = hostWatchLines(poll(3000, 100, 'web2')!);
    expect(renamed).toMatch(/^ {2}#\d docker:web2 \| /m);
    expect(renamed).not.toContain('web1');
  });
});
