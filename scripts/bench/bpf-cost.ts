// Per-program in-kernel cost of tcpscope's probes under max-rate churn (kernel.bpf_stats_enabled): which probe costs.
// Usage: npx tsx scripts/bench/bpf-cost.ts [--seconds 5]   Prints one JSON line {rate, programs: [{name, runsPerSec, nsPerRun, pctOfCore}]}.
import { readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import { runScenario } from '../lab/index.js';
import { startTracer, stopAllTracers } from './tracers.js';

const i = process.argv.indexOf('--seconds');
const seconds = Number(i >= 0 ? process.argv[i + 1] : 5);

async function progStats(pid: number): Promise<Map<number, { ns: number; runs: number }>> {
  const out = new Map<number, { ns: number; runs: number }>();
  for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
    if (!(await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')).includes('bpf-prog')) continue;
    const info = await readFile(`/proc/${pid}/fdinfo/${fd}`, 'utf8').catch(() => '');
    const id = Number(/^prog_id:\s*(\d+)/m.exec(info)?.[1] ?? NaN);
    if (Number.isNaN(id)) continue;
    out.set(id, {
      ns: Number(/^run_time_ns:\s*(\d+)/m.exec(info)?.[1] ?? 0),
      runs: Number(/^run_cnt:\s*(\d+)/m.exec(info)?.[1] ?? 0),
    });
  }
  return out;
}

const before = (await readFile('/proc/sys/kernel/bpf_stats_enabled', 'utf8')).trim();
await writeFile('/proc/sys/kernel/bpf_stats_enabled', '1');
try {
  const names = new Map<number, string>();
  let s0 = new Map<number, { ns: number; runs: number }>();
  let s1 = new Map<number, { ns: number; runs: number }>();
  let bt = 0;
  let w0 = 0;
  let w1 = 0;
  const truth = await runScenario('churn', {
    rate: 'max',
    durationMs: seconds * 1000,
    beforeTraffic: async (topo) => {
      const t = await startTracer('watch', topo.server.name);
      bt = (await t!.pids())[1] ?? 0;
      s0 = await progStats(bt);
      w0 = performance.now();
    },
    afterTraffic: async () => {
      s1 = await progStats(bt);
      w1 = performance.now();
      for (const p of JSON.parse((await execa('bpftool', ['prog', 'list', '-j'])).stdout) as {
        id: number;
        name?: string;
        type: string;
      }[])
        names.set(p.id, `${p.type}:${p.name ?? '?'}`);
      await stopAllTracers();
    },
  });
  const wall = (w1 - w0) / 1000;
  const programs = [...s1]
    .map(([id, v]) => {
      const a = s0.get(id) ?? { ns: 0, runs: 0 };
      const runs = v.runs - a.runs;
      const ns = v.ns - a.ns;
      return {
        id,
        name: names.get(id) ?? String(id),
        runsPerSec: Math.round(runs / wall),
        nsPerRun: runs ? Math.round(ns / runs) : 0,
        pctOfCore: Number(((ns / 1e9 / wall) * 100).toFixed(2)),
      };
    })
    .sort((x, y) => y.pctOfCore - x.pctOfCore);
  process.stdout.write(`${JSON.stringify({ rate: truth.measured.ratePerSec, seconds, programs })}\n`);
} finally {
  await stopAllTracers();
  await writeFile('/proc/sys/kernel/bpf_stats_enabled', before);
}
