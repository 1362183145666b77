// Snapshots captured from real lab runs (scripts/lab/record-advise-fixtures.ts): each scenario recorded with
// tcpscope record, replayed, counters cut to Tcp*; the scenario's ground truth (kernel counters) next to them.
import { readFileSync } from 'node:fs';
import type { Snapshot } from '../../../src/model/snapshot.js';
import type { GroundTruth } from '../../../scripts/lab/types.js';
import { ProfileSet, type WorkloadProfile } from '../../../src/advise/profile.js';
import { buildPlan, type Plan } from '../../../src/advise/plan.js';
import type { Advice } from '../../../src/advise/advice.js';

const dir = new URL('../../fixtures/advise/', import.meta.url);

export type Scenario = 'port-exhaustion' | 'backlog-burst' | 'lossy-handshake' | 'healthy';

export function snapshots(name: Scenario, side: 'server' | 'client'): Snapshot[] {
  return readFileSync(new URL(`${name}-${side}.ndjson`, dir), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Snapshot);
}

export function truth(name: Scenario): GroundTruth {
  return JSON.parse(readFileSync(new URL(`${name}-truth.json`, dir), 'utf8')) as GroundTruth;
}

export function profileOf(snaps: readonly Snapshot[]): WorkloadProfile {
  const set = new ProfileSet();
  for (const s of snaps) set.add(s);
  const [p, ...rest] = set.build();
  if (!p || rest.length) throw new Error(`expected one profile, got ${rest.length + (p ? 1 : 0)}`);
  return p;
}

export function planOf(name: Scenario, side: 'server' | 'client'): Plan {
  return buildPlan(profileOf(snapshots(name, side)));
}

export function adviceFor(plan: Plan, setting: string): Advice {
  const a = plan.advice.find((x) => x.setting === setting);
  if (!a) throw new Error(`no advice for ${setting}: ${plan.advice.map((x) => x.setting).join(', ')}`);
  return a;
}
