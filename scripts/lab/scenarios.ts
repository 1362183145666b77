// The scenarios: each reproduces one problem from the seeds with real TCP traffic between two lab netns, and the
// runner reads the ground truth from the kernel (counter deltas, sockstat, ss census) of both netns.
import { performance } from 'node:perf_hooks';
import { ensureChurnBinary } from './agent.js';
import { counterDeltas } from './procfs.js';
import { checkPrerequisites, createTopology, type LabTopology } from './topology.js';
import type { GroundTruth, NsTruth, ScenarioName, ScenarioOptions, Topology } from './types.js';
import type { Ctx } from './scenarios/helpers.js';
import { DEFS } from './scenarios/index.js';

export { PORT, CLOSED_PORT } from './scenarios/helpers.js';

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  p.catch(() => {});
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`${what} did not finish within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        res(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        rej(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

async function snapshot(
  topo: LabTopology,
): Promise<{ server: Record<string, number>; client: Record<string, number> }> {
  const [server, client] = await Promise.all([topo.counters(topo.server), topo.counters(topo.client)]);
  return { server, client };
}

/** Runs one scenario end to end; the topology is always destroyed unless keepTopology (then the caller destroys it). */
export async function runScenario(
  name: ScenarioName,
  opts: ScenarioOptions = {},
): Promise<GroundTruth & { topology?: Topology }> {
  const def = DEFS[name];
  if (!def) throw new Error(`unknown scenario ${String(name)}; known: ${Object.keys(DEFS).join(', ')}`);
  checkPrerequisites(def.needs ?? {});
  if (def.needs?.cc) await ensureChurnBinary(); // compile outside the scenario's clock
  const topo = await createTopology();
  const ctx: Ctx = {
    topo,
    opts,
    variant: { ...(opts.variant ?? {}) },
    measured: {},
    pids: { server: {}, client: {} },
    asserted: { server: [], client: [] },
    t0: 0,
  };
  let keep = false;
  try {
    const body = async (): Promise<GroundTruth> => {
      await def.setup(ctx);
      if (opts.beforeTraffic) await opts.beforeTraffic(topo);
      const before = await snapshot(topo);
      ctx.t0 = performance.now();
      await def.traffic(ctx);
      const after = await snapshot(topo);
      const durationMs = Math.round(performance.now() - ctx.t0);
      const [sockS, sockC, cenS, cenC] = await Promise.all([
        topo.sockstat(topo.server),
        topo.sockstat(topo.client),
        topo.census(topo.server),
        topo.census(topo.client),
      ]);
      if (opts.afterTraffic) await opts.afterTraffic(topo);
      const ns = (
        side: 'server' | 'client',
        sockstat: Record<string, number>,
        census: Record<string, number>,
      ): NsTruth => {
        const info = topo[side];
        return {
          name: info.name,
          inode: info.inode,
          sysctls: topo.sysctlsSet.get(info.name) ?? {},
          counters: counterDeltas(before[side], after[side], ctx.asserted[side]),
          sockstat,
          census,
          pids: ctx.pids[side],
        };
      };
      return {
        scenario: name,
        variant: ctx.variant,
        server: ns('server', sockS, cenS),
        client: ns('client', sockC, cenC),
        measured: ctx.measured,
        durationMs,
      };
    };
    const truth = await withTimeout(body(), def.timeoutMs(ctx), `scenario ${name}`);
    if (opts.keepTopology) {
      keep = true;
      return { ...truth, topology: topo };
    }
    return truth;
  } finally {
    if (!keep) await topo.destroy();
  }
}
