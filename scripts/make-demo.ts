// Produces demo/incident.ndjson.gz: the real `tcpscope record` run against the scenario lab (root, bpftrace, netns).
// Usage (root): npm run build && npx tsx scripts/make-demo.ts [--out demo/incident.ndjson.gz]
// Three recordings (accept overflow, SYN flood, CLOSE_WAIT leak; each scenario has its own netns pair) are
// concatenated into one file: replay plays the segments in order (docs/recording.md, "Concatenated recordings").
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execa, type ResultPromise } from 'execa';
import { runScenario } from './lab/index.js';
import type { ScenarioName, ScenarioOptions } from './lab/types.js';

const MAIN = new URL('../dist/cli/main.js', import.meta.url).pathname;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Part {
  scenario: ScenarioName;
  variant?: ScenarioOptions['variant'];
  settleMs: number;
}

/** Each scenario with a few quiet intervals after the traffic, so the findings rise and the counters settle. */
const PARTS: Part[] = [
  { scenario: 'accept-overflow', settleMs: 3000 },
  { scenario: 'syn-flood', settleMs: 3000 },
  { scenario: 'close-wait-leak', settleMs: 4000 },
];

async function untilTicking(path: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (existsSync(path) && (await readFile(path, 'utf8')).includes('@@tick')) return;
    await sleep(100);
  }
  throw new Error(`tcpscope record wrote no bpftrace tick to ${path} in ${ms} ms`);
}

async function recordPart(dir: string, part: Part, i: number): Promise<string> {
  const path = join(dir, `${i}-${part.scenario}.ndjson`);
  let rec: ResultPromise | undefined;
  try {
    await runScenario(part.scenario, {
      variant: part.variant,
      beforeTraffic: async (topo) => {
        rec = execa('node', [MAIN, 'record', '-o', path, '--netns', topo.server.name, '--interval', '1s'], {
          reject: false,
        });
        await untilTicking(path);
        await sleep(1500); // a quiet interval or two before the incident
      },
      afterTraffic: async () => {
        await sleep(part.settleMs);
        rec!.kill('SIGINT');
        const r = await rec!;
        if (r.exitCode !== 0) throw new Error(`tcpscope record exited ${String(r.exitCode)}: ${String(r.stderr)}`);
        process.stderr.write(`${part.scenario}: ${String(r.stderr).trim().split('\n').at(-1) ?? ''}\n`);
      },
    });
  } finally {
    rec?.kill('SIGKILL');
  }
  return path;
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('make-demo needs root (lab netns, bpftrace)');
  if (!existsSync(MAIN)) throw new Error('build first: npm run build');
  const i = process.argv.indexOf('--out');
  const out = i > 0 ? process.argv[i + 1]! : new URL('../demo/incident.ndjson.gz', import.meta.url).pathname;
  const dir = await mkdtemp(join(tmpdir(), 'tcpscope-demo-'));
  try {
    const parts: Buffer[] = [];
    for (const [n, part] of PARTS.entries()) parts.push(await readFile(await recordPart(dir, part, n)));
    const gz = gzipSync(Buffer.concat(parts), { level: 9 });
    await writeFile(out, gz, { mode: 0o644 }); // shipped in the package: readable by everyone, holds lab data only
    process.stderr.write(`wrote ${out} (${gz.length} bytes, ${parts.length} segments)\n`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
