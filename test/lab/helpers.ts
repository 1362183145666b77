// Shared checks for the lab tests: a run must leave no netns and no agent process behind.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { GroundTruth } from '../../scripts/lab/index.js';

export function labNetns(): string[] {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((n) => n.startsWith('tslab-'));
}

/** True if pid exists and is not a zombie (a killed process not yet reaped by its parent counts as dead). */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The run's own netns are gone (other concurrent runs may still have theirs) and its agents are dead. */
export function expectTornDown(t: GroundTruth): void {
  const left = labNetns();
  expect(left, 'netns of this run still listed by ip netns list').not.toContain(t.server.name);
  expect(left).not.toContain(t.client.name);
  for (const side of [t.server, t.client]) {
    for (const [what, pid] of Object.entries(side.pids ?? {})) {
      expect(pidAlive(pid), `${what} (pid ${pid}) still running after the run`).toBe(false);
    }
  }
}

export function ctr(t: GroundTruth, side: 'server' | 'client', name: string): number {
  return t[side].counters[name] ?? 0;
}

export function m(t: GroundTruth, name: string): number {
  const v = t.measured[name];
  if (typeof v !== 'number') throw new Error(`measured.${name} missing or not a number: ${String(v)}`);
  return v;
}
