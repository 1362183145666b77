// A live session with every outside part substituted (netns, mode, poller, diagnoser): the wiring itself, no root.
import { readFile } from 'node:fs/promises';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { HostSample } from '../../../src/model/host-sample.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { startSession } from '../../../src/session/live.js';

const SAMPLE = new URL('../../fixtures/record/host-sample.json', import.meta.url).pathname;

describe('startSession with substituted services', () => {
  it('polls the injected poller, runs the injected diagnoser on every snapshot and closes the poller on stop', async () => {
    const base = JSON.parse(await readFile(SAMPLE, 'utf8')) as HostSample;
    let polls = 0;
    let closed = false;
    const seen: number[] = [];
    const session = await startSession({
      intervalMs: 20,
      mode: 'procfs',
      services: {
        resolveNetns: async () => ({
          inode: 4026531833,
          name: 'fake',
          path: '/proc/self/ns/net',
          pid: undefined,
          isSelf: true,
        }),
        decideMode: async () => ({ mode: 'procfs', reason: 'injected', caps: undefined, bpftrace: undefined }),
        createHostPoller: () => ({
          poll: async () => {
            polls++;
            const counters = { ...base.counters, TcpActiveOpens: 100 + 7 * polls };
            return { ...base, counters };
          },
          close: async () => {
            closed = true;
          },
        }),
        createDiagnoser: () => ({
          evaluate: (s: Snapshot) => {
            seen.push(s.seq);
            return [];
          },
        }),
        probeInputs: () => {
          throw new Error('procfs mode must not start probes');
        },
        stopTracers: async () => undefined,
      },
    });
    expect(session.info).toMatchObject({
      mode: 'procfs',
      modeReason: 'injected',
      netns: { inode: 4026531833, name: 'fake' },
    });
    const snaps = await firstValueFrom(session.snapshots$.pipe(take(3), toArray()));
    await session.stop();
    expect(snaps.map((s) => s.seq)).toEqual([0, 1, 2]);
    expect(snaps.every((s) => s.counters['TcpActiveOpens'] === 7)).toBe(true);
    expect(seen).toEqual([0, 1, 2]);
    expect(closed).toBe(true);
    expect(session.describe().program).toBeUndefined();
  });
});
