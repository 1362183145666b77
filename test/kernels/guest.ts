// Runs INSIDE one kernel of the matrix (scripts/kernels/run VERSION -- node .cache/kernels/guest/guest.mjs, bundled
// by matrix.test.ts): doctor, this kernel's tracefs formats and probe choice, the core lab scenarios under `tcpscope
// watch`, the demo replay. Prints one result line; every check runs on the host, on that line.
import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import { detectCapabilities, TRACEPOINTS } from '../../src/kernel/capabilities.js';
import { assembleProgram, loadProbePieces } from '../../src/kernel/probes/program.js';
import { findTracefs } from '../../src/kernel/tracefs/tracefs.js';
import { killLeftovers } from '../integration/helpers.js';
import { CASES, observe } from '../integration/scenario-cases.js';
import { GUEST_RESULT_MARKER, type GuestResult, type StepResult } from './result.js';

const CLI = 'dist/cli/main.js';
const log = (msg: string): void => void process.stderr.write(`guest: ${msg}\n`);

async function timed<T>(name: string, f: () => Promise<T>, steps: StepResult[]): Promise<T | undefined> {
  const t0 = performance.now();
  log(`${name} ...`);
  try {
    const v = await f();
    steps.push({ name, ms: Math.round(performance.now() - t0), error: undefined });
    log(`${name}: ${Math.round(performance.now() - t0)} ms`);
    return v;
  } catch (err) {
    steps.push({
      name,
      ms: Math.round(performance.now() - t0),
      error: err instanceof Error ? err.message : String(err),
    });
    log(`${name} FAILED: ${String(err)}`);
    return undefined;
  }
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const steps: StepResult[] = [];
  const kernel = (await readFile('/proc/sys/kernel/osrelease', 'utf8')).trim();

  const doctor = await timed(
    'doctor',
    async () => {
      const r = await execa('node', [CLI, 'doctor', '--json'], { reject: false });
      return { exitCode: r.exitCode ?? -1, json: JSON.parse(r.stdout) as unknown };
    },
    steps,
  );

  const tracefs = await timed(
    'tracefs',
    async () => {
      const path = await findTracefs();
      if (!path) throw new Error('tracefs not mounted');
      const formats: Record<string, string> = {};
      for (const tp of TRACEPOINTS) {
        const [sys, event] = tp.id.split(':') as [string, string];
        formats[tp.id] = await readFile(`${path}/events/${sys}/${event}/format`, 'utf8').catch(() => '');
      }
      const program = assembleProgram(await detectCapabilities(path), await loadProbePieces());
      return { formats, chosen: program.chosen, unavailable: program.unavailable };
    },
    steps,
  );

  const replay = await timed(
    'demo replay',
    async () => {
      const r = await execa('node', [CLI, 'replay', 'demo/incident.ndjson.gz', '--json'], { reject: false });
      const lines = r.stdout.split('\n').filter((l) => l.startsWith('{'));
      const findings = new Set<string>();
      for (const l of lines)
        for (const f of (JSON.parse(l) as { findings?: { id: string }[] }).findings ?? []) findings.add(f.id);
      return { exitCode: r.exitCode ?? -1, snapshots: lines.length, findings: [...findings].sort() };
    },
    steps,
  );

  const result: GuestResult = { kernel, doctor, tracefs, scenarios: [], replay, steps };
  // The result so far after each step (the host reads the last line): a VM stopped by its timeout still reports.
  const emit = (): void => void process.stdout.write(`${GUEST_RESULT_MARKER} ${JSON.stringify(result)}\n`);
  emit();
  // One at a time: each scenario's deadline runs from its start, and under TCG five bpftrace compiles at once starved
  // every one of them past it.
  for (const c of CASES.filter((x) => wanted.includes(x.title))) {
    const observed = await timed(`scenario ${c.title}`, () => observe(c), steps);
    if (observed) result.scenarios.push({ title: c.title, observed });
    killLeftovers();
    emit();
  }
}

main().catch((err: unknown) => {
  log(`fatal: ${String(err)}`);
  killLeftovers();
  process.exit(1);
});
