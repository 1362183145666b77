// Runs a lab scenario while the built `tcpscope record` records one or both of its netns (started before the traffic,
// stopped with SIGINT after it): the recordings `tcpscope advise` and its tests work from.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO_ROOT } from './agent.js';
import { runScenario } from './scenarios.js';
import type { GroundTruth, ScenarioName, ScenarioOptions } from './types.js';

export const TCPSCOPE = join(REPO_ROOT, 'dist', 'cli', 'main.js');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until a plain (not gzip) recording holds a recorded probe tick line: probes attached and ticking. (The header
 * holds the program text, which contains "@@tick" too: only a probe line counts.)
 */
async function untilTicking(path: string, ms = 45_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (
      existsSync(path) &&
      readFileSync(path, 'utf8')
        .split('\n')
        .some((l) => l.startsWith('{"k":"p"') && l.includes('@@tick'))
    )
      return;
    await sleep(100);
  }
  throw new Error(`no bpftrace tick in ${path} after ${ms} ms`);
}

export type Side = 'server' | 'client';

export async function recordScenario(
  name: ScenarioName,
  sides: readonly Side[],
  dir: string,
  opts: Pick<ScenarioOptions, 'variant' | 'durationMs'> & { tag?: string } = {},
): Promise<{ truth: GroundTruth; paths: Record<Side, string | undefined>; netns: Record<Side, string> }> {
  if (!existsSync(TCPSCOPE)) throw new Error(`${TCPSCOPE} missing: build first (npm run build)`);
  const paths: Record<Side, string | undefined> = { server: undefined, client: undefined };
  const netns: Record<Side, string> = { server: '', client: '' };
  const recs: ResultPromise[] = [];
  try {
    const truth = await runScenario(name, {
      ...opts,
      beforeTraffic: async (topo) => {
        for (const side of sides) {
          const path = join(dir, `${name}${opts.tag ? `-${opts.tag}` : ''}-${side}.ndjson`);
          paths[side] = path;
          netns[side] = topo[side].name;
          recs.push(
            execa(
              'node',
              [TCPSCOPE, 'record', '-o', path, '--netns', topo[side].name, '--interval', '500ms', '--ebpf'],
              { reject: false },
            ),
          );
        }
        await Promise.all(sides.map((s) => untilTicking(paths[s]!)));
      },
      afterTraffic: async () => {
        await sleep(1200);
        for (const r of recs) r.kill('SIGINT');
        for (const r of recs) {
          const done = await r;
          if (done.exitCode !== 0)
            throw new Error(`tcpscope record exited ${String(done.exitCode)}: ${String(done.stderr)}`);
        }
      },
    });
    return { truth, paths, netns };
  } finally {
    for (const r of recs) r.kill('SIGKILL');
  }
}
