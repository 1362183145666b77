// Captures the advise unit-test fixtures from real lab runs: each scenario recorded, replayed, and its snapshots
// (counters cut to Tcp*/TcpExt*) written to test/fixtures/advise/<scenario>-<side>.ndjson. Run as root after a build:
//   npx tsx scripts/lab/record-advise-fixtures.ts
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { REPO_ROOT } from './agent.js';
import { recordScenario, TCPSCOPE, type Side } from './record-scenario.js';
import type { ScenarioName } from './types.js';

const RUNS: [ScenarioName, Side[]][] = [
  ['port-exhaustion', ['client']],
  ['backlog-burst', ['server']],
  ['lossy-handshake', ['server', 'client']],
  ['healthy', ['server']],
];

const dir = mkdtempSync(join(tmpdir(), 'tcpscope-advise-fx-'));
for (const [name, sides] of RUNS) {
  const { truth, paths } = await recordScenario(name, sides, dir);
  for (const side of sides) {
    const r = await execa('node', [TCPSCOPE, 'replay', paths[side]!, '--json']);
    const lines = String(r.stdout)
      .trim()
      .split('\n')
      .map((l) => {
        const s = JSON.parse(l) as { counters: Record<string, number> };
        s.counters = Object.fromEntries(Object.entries(s.counters).filter(([k]) => k.startsWith('Tcp')));
        return JSON.stringify(s);
      });
    writeFileSync(join(REPO_ROOT, 'test', 'fixtures', 'advise', `${name}-${side}.ndjson`), `${lines.join('\n')}\n`);
  }
  writeFileSync(
    join(REPO_ROOT, 'test', 'fixtures', 'advise', `${name}-truth.json`),
    `${JSON.stringify(truth, null, 1)}\n`,
  );
  process.stdout.write(`${name}: ${JSON.stringify(truth.measured)}\n`);
}
