// The kernel matrix (npm run test:kernels): Debian 11's 5.10 and Debian 12's 6.1 booted under QEMU by
// scripts/kernels/run, plus this host's kernel natively. In each: doctor, the probe variants this kernel's tracefs
// allows, the core lab scenarios under `tcpscope watch` with exact counts against that kernel's own counters, and the
// demo replay. The guest prints what it saw (test/kernels/guest.ts); every check runs here. Nothing is skipped: a
// kernel that cannot boot fails its tests.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ensureChurnBinary } from '../../scripts/lab/index.js';
import { release, tmpdir } from 'node:os';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFormat } from '../../src/kernel/tracefs/format.js';
import {
  TRACEPOINTS,
  type Capabilities,
  type TracepointId,
  type TracepointInfo,
} from '../../src/kernel/capabilities.js';
import { assembleProgram, loadProbePieces } from '../../src/kernel/probes/program.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { assertObserved, CASES, type Case } from '../integration/scenario-cases.js';
import { parseGuestResult, type GuestResult } from './result.js';
import { MATRIX, CORE_SCENARIOS, GUEST_BUNDLE, RESULTS_FILE, type KernelRun, type MatrixResults } from './matrix.js';

const fixtureDir = (v: string): string => new URL(`../fixtures/kernels/${v}/events`, import.meta.url).pathname;
const withoutId = (format: string): string => format.replace(/^ID: \d+\n/m, '');

const runs = new Map<string, KernelRun>();
const RUN = resolve('scripts/kernels/run');
const FETCH = resolve('scripts/kernels/fetch');
const GUEST_SRC = resolve('test/kernels/guest.ts');

/**
 * guest.ts and everything it imports as one file: under TCG each file a process loads costs a 9p round trip and each
 * module's compile is emulated (tsx's on-the-fly transform took minutes). 3 levels below the root like
 * src/kernel/probes, so PROBES_DIR resolves to probes/; the lab's own files are found through TCPSCOPE_LAB_DIR.
 */
async function bundleGuest(): Promise<void> {
  rmSync(dirname(GUEST_BUNDLE), { recursive: true, force: true });
  await execa('node_modules/.bin/esbuild', [
    GUEST_SRC,
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node20',
    `--outfile=${GUEST_BUNDLE}`,
    '--log-level=warning',
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  ]);
  await ensureChurnBinary(); // compiled here: gcc under TCG takes minutes
}

/** Boots the kernel (or runs here, for `host`) with the guest suite; downloads are timed apart. */
async function runKernel(version: string): Promise<KernelRun> {
  const t0 = Date.now();
  let fetchMs = 0;
  let pkg = `host (${release()})`;
  if (version !== 'host') {
    const f = await execa(FETCH, [version], { reject: false });
    if (f.exitCode !== 0) throw new Error(`scripts/kernels/fetch ${version} failed: ${f.stderr}`);
    fetchMs = Date.now() - t0;
    pkg = readFileSync(`${f.stdout.trim()}/package`, 'utf8').trim();
  }
  const t1 = Date.now();
  const scale = version === 'host' ? '1' : (process.env.TCPSCOPE_LAB_TIME_SCALE ?? '8');
  const r = await execa(
    RUN,
    [
      '--timeout',
      process.env.TCPSCOPE_KERNELS_TIMEOUT ?? '900', // per kernel; the guest reports what it finished by then
      '--env',
      `TCPSCOPE_LAB_TIME_SCALE=${scale}`,
      '--env',
      `TCPSCOPE_LAB_DIR=${resolve('scripts/lab')}`,
      version,
      '--',
      'node',
      GUEST_BUNDLE,
      ...CORE_SCENARIOS,
    ],
    { reject: false, all: true },
  );
  const result = parseGuestResult(r.stdout);
  return {
    version,
    package: pkg,
    fetchMs,
    runMs: Date.now() - t1,
    exitCode: r.exitCode ?? -1,
    output: r.all ?? '',
    result,
  };
}

describe('kernel matrix', () => {
  beforeAll(async () => {
    await requireKernelTracing();
    await requireLab();
    await execa('npm', ['run', 'build'], { stdio: 'ignore' });
    await bundleGuest();
    // One kernel at a time: a TCG guest needs both cores, and the lab's timings need the guest not starved.
    for (const k of MATRIX) runs.set(k.version, await runKernel(k.version));
  }, 3_000_000);

  afterAll(() => {
    // The README's "Tested kernels" table is generated from this file (scripts/kernels/readme-table.ts).
    const out: MatrixResults = {
      date: new Date().toISOString(),
      kernels: [...runs.values()].map(({ output: _o, ...k }) => ({
        ...k,
        result: undefined,
        summary: summarize(k.result),
      })),
    };
    mkdirSync('.cache/kernels', { recursive: true });
    writeFileSync(RESULTS_FILE, `${JSON.stringify(out, null, 2)}\n`);
  });

  it('docs/kernels.md: every documented scripts/kernels/run example runs (exit 0, and in the kernel it names)', async () => {
    const doc = readFileSync('docs/kernels.md', 'utf8');
    const examples = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) =>
      m[1]!.split('\n').filter((l) => l.startsWith('scripts/kernels/run ')),
    );
    expect(examples.length).toBeGreaterThan(1);
    for (const line of examples) {
      const args = line
        .replace(/\s+#.*$/, '')
        .split(/\s+/)
        .slice(1); // plain words only: no quoting in these examples
      const r = await execa(RUN, args, { reject: false });
      expect(r.exitCode, `${line}\n${r.stderr.slice(-2000)}`).toBe(0);
      const version = args[args.indexOf('--') - 1]!;
      if (args.includes('doctor'))
        expect((JSON.parse(r.stdout) as { kernel: string }).kernel.startsWith(`${version}.`)).toBe(true);
      else expect(r.stdout.startsWith(`${version}.`), r.stdout).toBe(true);
    }
  }, 1_800_000);

  it('a working directory under /tmp (a CI checkout there) is the same in the guest, and writes stay there', async () => {
    // The guest's /tmp is a fresh tmpfs: scripts/kernels/init overlays such a working directory back from the host.
    const dir = mkdtempSync(join(tmpdir(), 'tcpscope-kcwd-'));
    try {
      writeFileSync(join(dir, 'marker'), 'from the host\n');
      for (const version of MATRIX.map((k) => k.version).filter((v) => v !== 'host')) {
        const r = await execa(RUN, [version, '--', 'sh', '-c', 'cat marker && echo guest > written && pwd'], {
          cwd: dir,
          reject: false,
        });
        expect(r.exitCode, `${version}: ${r.stderr.slice(-2000)}`).toBe(0);
        expect(r.stdout.split('\n')).toEqual(['from the host', dir]);
      }
      expect(readdirSync(dir)).toEqual(['marker']); // the guest's write never reached the host
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);

  for (const k of MATRIX) {
    describe(`${k.version} (${k.distro})`, () => {
      const res = (): GuestResult => {
        const r = runs.get(k.version);
        expect(
          r?.result,
          `no result from ${k.version}; exit ${r?.exitCode}; output:\n${r?.output.slice(-4000)}`,
        ).toBeDefined();
        return r!.result!;
      };

      it('boots, runs the guest suite to its end, in the expected kernel', () => {
        const r = res();
        expect(runs.get(k.version)!.exitCode, runs.get(k.version)!.output.slice(-4000)).toBe(0);
        expect(r.kernel.startsWith(k.version === 'host' ? release() : `${k.version}.`), r.kernel).toBe(true);
        expect(
          r.steps.filter((s) => s.error),
          JSON.stringify(r.steps),
        ).toEqual([]);
      });

      it('doctor --json: eBPF mode, every required tracepoint, reasons only where the format has them', () => {
        const r = res();
        const d = r.doctor!.json as {
          mode: string;
          kernel: string;
          checks: { name: string; status: string; detail: string }[];
        };
        expect(r.doctor!.exitCode).toBe(0);
        expect(d.mode).toBe('ebpf');
        expect(d.kernel).toBe(r.kernel);
        expect(d.checks.filter((c) => c.status === 'fail')).toEqual([]);
        const hasReason = (tp: string): boolean => r.tracefs!.formats[tp]!.includes('reason;');
        expect(d.checks.find((c) => c.name === 'drop reasons')?.status).toBe(
          hasReason('skb:kfree_skb') ? 'ok' : 'warn',
        );
        expect(d.checks.find((c) => c.name === 'reset reasons')?.status).toBe(
          hasReason('tcp:tcp_send_reset') ? 'ok' : 'warn',
        );
      });

      it('probe variants: the guest chose what its own format files allow, and only fields they have', async () => {
        const r = res();
        const caps = capsFrom(r.tracefs!.formats);
        const again = assembleProgram(caps, await loadProbePieces());
        expect(r.tracefs!.chosen).toEqual(again.chosen);
        expect(r.tracefs!.unavailable).toEqual([]);
        const chosen = Object.fromEntries(r.tracefs!.chosen.map((c) => [c.feature, c.file]));
        if (k.variants) expect(chosen).toEqual(k.variants);
        for (const [tp, fields] of fieldsUsed(again.text)) {
          for (const f of fields)
            expect(caps.tracepoints[tp as TracepointId].fields, `${tp}.${f} on ${r.kernel}`).toContain(f);
        }
      });

      if (k.fixture) {
        it(`the tracefs fixtures test/fixtures/kernels/${k.fixture} are this kernel's own format files`, () => {
          const r = res();
          for (const tp of TRACEPOINTS) {
            const [sys, event] = tp.id.split(':') as [string, string];
            const fixture = readFileSync(`${fixtureDir(k.fixture!)}/${sys}/${event}/format`, 'utf8');
            expect(withoutId(r.tracefs!.formats[tp.id]!), `${tp.id} on ${r.kernel}`).toBe(withoutId(fixture));
          }
        });
      }

      it('drop and reset reason tables: what the kernel names, decoded as the kernel means it', () => {
        const r = res();
        const caps = capsFrom(r.tracefs!.formats);
        if (k.dropReasons !== undefined) expect(caps.dropReasons?.size ?? 0, 'drop reasons').toBe(k.dropReasons);
        if (k.resetReasons !== undefined) expect(caps.resetReasons?.size ?? 0, 'reset reasons').toBe(k.resetReasons);
        // A SYN to a closed port: the RSTs are NO_SOCKET resets; with drop reasons, the SYNs are NO_SOCKET drops.
        const rst = r.scenarios.find((s) => s.title === 'rst-closed-port')!.observed;
        const refused = Number(rst.truth.measured.clientECONNREFUSED);
        const sum = (pick: (s: (typeof rst.snaps)[number]) => Record<string, number>, name: string): number =>
          rst.snaps.reduce((t, s) => t + (pick(s)[name] ?? 0), 0);
        // Where the probes cannot see them (5.10), they are absent, never misattributed; the counter has them all.
        expect(sum((s) => s.events.resetsSentByReason, 'NO_SOCKET')).toBe(k.noSocketResets ? refused : 0);
        expect(rst.truth.server.counters.TcpOutRsts).toBe(refused);
        if (caps.dropReasons) expect(sum((s) => s.events.dropsByReason, 'NO_SOCKET')).toBe(refused);
      });

      for (const title of CORE_SCENARIOS) {
        it(`lab scenario ${title}: exact counts against this kernel's counters`, () => {
          const r = res();
          const s = r.scenarios.find((x) => x.title === title);
          expect(s, `scenario ${title} did not complete: ${JSON.stringify(r.steps)}`).toBeDefined();
          const c = CASES.find((x) => x.title === title)!;
          if (title === 'accept-overflow') {
            // listen(fd, 2), a burst of 3 SYNs: the requests this kernel's SYN queue took, the rest got cookies.
            const m = s!.observed.truth.measured;
            expect(m.synQueued, 'requests in the SYN queue').toBe(k.synQueueFullAtBacklog ? 2 : 3);
            expect(m.burstCookies, 'syncookies in the burst').toBe(k.synQueueFullAtBacklog ? 1 : 0);
          }
          assertObserved(
            title === 'rst-closed-port' && !k.noSocketResets ? withoutNoSocketResets(c) : c,
            s!.observed,
            expect,
          );
        });
      }

      it('demo replay: the bundled incident replays to the same snapshots and findings as on this host', async () => {
        const r = res();
        const here = runs.get('host')!.result!.replay!;
        expect(r.replay!.exitCode).toBe(0);
        expect(r.replay!.snapshots).toBeGreaterThan(10);
        expect(r.replay).toEqual(here);
      });
    });
  }
});

/**
 * rst-closed-port where the probes cannot see no-socket RSTs (5.10, docs/kernels.md): the counters, census and the
 * finding (it reads TcpOutRsts) are checked as everywhere; the probes' resets must be 0, not a wrong reason.
 */
function withoutNoSocketResets(c: Case): Case {
  return {
    ...c,
    check(o, ns, f, expect) {
      expect(o.snaps.reduce((t, s) => t + s.events.resetsSent, 0)).toBe(0);
      expect(ns.counters.TcpOutRsts).toBe(Number(o.truth.measured.clientECONNREFUSED));
      expect(f?.evidence.outRsts).toBeGreaterThan(0);
    },
  };
}

/** Capabilities from format file texts, as detectCapabilities() reads them from a tracefs. */
function capsFrom(formats: Record<string, string>): Capabilities {
  const tracepoints = Object.fromEntries(
    TRACEPOINTS.map(({ id }): [TracepointId, TracepointInfo] => {
      const text = formats[id] ?? '';
      if (!text) return [id, { id, present: false, format: undefined, fields: [], error: 'not in this kernel' }];
      const format = parseFormat(text);
      return [id, { id, present: true, format, fields: format.fields.map((f) => f.name), error: undefined }];
    }),
  ) as Record<TracepointId, TracepointInfo>;
  return {
    tracefsPath: '(captured)',
    tracepoints,
    dropReasons: tracepoints['skb:kfree_skb'].format?.enums.get('reason'),
    resetReasons: tracepoints['tcp:tcp_send_reset'].format?.enums.get('reason'),
  };
}

/** tracepoint id -> fields referenced as args->x in that probe's block. */
function fieldsUsed(text: string): Map<string, Set<string>> {
  const used = new Map<string, Set<string>>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const probe = /^tracepoint:([a-z_0-9]+:[a-z_0-9]+)/.exec(line);
    if (probe) current = probe[1]!;
    else if (/^interval:/.test(line)) current = undefined;
    if (line.trimStart().startsWith('//') || !current) continue;
    for (const m of line.matchAll(/args->([a-z_0-9]+)/g)) {
      if (!used.has(current)) used.set(current, new Set());
      used.get(current)!.add(m[1]!);
    }
  }
  return used;
}

/** What the README table shows of one kernel's run. */
function summarize(r: GuestResult | undefined): MatrixResults['kernels'][number]['summary'] {
  if (!r) return undefined;
  return { kernel: r.kernel, steps: r.steps, formats: r.tracefs?.formats ?? {} };
}
