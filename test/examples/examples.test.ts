// The example runner: every command line of README.md, docs/*.md and every `--help` Examples block is executed, as
// written, in a terminal (tmux), against a lab netns standing for `web1`, with `sudo` as root. An example fails when
// its exit code differs from the one its comment states (`# … exit 1`, default 0). Long-running commands are stopped
// with SIGINT (Ctrl-C) after a budget and must then exit 0 or 130 (the documented Ctrl-C code). How to add or exempt one: CONTRIBUTING.md § Examples.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { execa } from 'execa';
import { createTopology, type Topology } from '../../scripts/lab/index.js';
import { startChurnAgent, type Agent } from '../../scripts/lab/agent.js';
import { requireKernelTracing, requireLab, requireCommand } from '../helpers/prereq.js';
import { tmux } from '../helpers/tmux.js';
import { documentationExamples, helpExamples, type Example } from './extract.js';
import { NOT_RUN } from './not-run.js';
import { substitute, type LabValues } from './substitute.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');
/** A command still running after this long is stopped with SIGINT (as Ctrl-C) and must exit 0. */
const BUDGET_MS = 7_000;
/** Examples whose comment expects a non-zero exit, and scripts, get longer to reach it by themselves. */
const LONG_BUDGET_MS = 45_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function allExamples(): Promise<Example[]> {
  const out = documentationExamples(ROOT);
  const root = (await execa('node', [CLI, '--help'])).stdout;
  out.push(...helpExamples('tcpscope --help', root));
  const names = [
    ...root.slice(root.indexOf('Commands:'), root.indexOf('Examples:')).matchAll(/^ {2}([a-z][a-z-]*)\b/gm),
  ]
    .map((m) => m[1]!)
    .filter((n) => n !== 'help');
  for (const n of names)
    out.push(...helpExamples(`tcpscope ${n} --help`, (await execa('node', [CLI, n, '--help'])).stdout));
  return out;
}

/** Pids of `pid` and all its descendants. */
async function tree(pid: number): Promise<number[]> {
  if (!(pid > 1)) return [];
  const ps = (await execa('ps', ['-e', '-o', 'pid=,ppid='])).stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number));
  const out = [pid];
  for (let i = 0; i < out.length; i++) for (const [p, pp] of ps) if (pp === out[i]) out.push(p!);
  return out;
}

/** SIGINT to every tcpscope (node …/main.js) process of the example, as Ctrl-C would; pipes downstream see EOF. */
async function interrupt(panePid: number): Promise<number> {
  let n = 0;
  for (const pid of await tree(panePid)) {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('dist/cli/main.js') || cmdline.includes('scripts/lab/cli.ts')) {
      try {
        process.kill(pid, 'SIGINT');
        n++;
      } catch {
        // gone already
      }
    }
  }
  return n;
}

let topo: Topology | undefined;
let listener: Agent | undefined;
let client: ChildProcess | undefined;
let hook: Server | undefined;
let work = '';
let lab: LabValues;
let examples: Example[] = [];
const hookHits: string[] = [];

beforeAll(async () => {
  await requireKernelTracing();
  await requireLab();
  await requireCommand('tmux');
  await requireCommand('jq');
  work = await mkdtemp(join(tmpdir(), 'tcpscope-examples-'));
  // PATH shims: `tcpscope` is the built CLI, `sudo` runs its command as is (the runner is root).
  const bin = join(work, 'bin');
  await mkdir(bin);
  await writeFile(join(bin, 'tcpscope'), `#!/bin/sh\nexec node ${CLI} "$@"\n`);
  await writeFile(join(bin, 'sudo'), '#!/bin/sh\nexec "$@"\n');
  // The pager of the README's --exec example: records its arguments and the event it got.
  await writeFile(
    join(bin, 'page-oncall'),
    `#!/bin/sh\necho "page-oncall $*" >> ${work}/pages.log\ncat >> ${work}/pages.log\n`,
  );
  for (const f of ['tcpscope', 'sudo', 'page-oncall']) await chmod(join(bin, f), 0o755);
  await mkdir(join(work, 'textfile'));
  hook = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hookHits.push(body);
      res.end('ok');
    });
  });
  await new Promise<void>((r) => hook!.listen(0, '127.0.0.1', r));
  // The lab netns standing for `web1`: a listener that never accepts (backlog 1) and a client that keeps connecting,
  // so its accept queue overflows all the time (the README's --exit-on-alert example expects exit 1 there).
  topo = await createTopology();
  listener = await startChurnAgent(topo, topo.server, ['listen', '--port', '8080', '--backlog', '1']);
  await listener.ready();
  client = topo.spawn(topo.client, 'node', [
    '-e',
    `
    const net = require('node:net');
    setInterval(() => { const s = net.connect(8080, '${topo.server.ip4}'); s.on('error', () => {}); setTimeout(() => s.destroy(), 3000); }, 100);
    process.stdin.on('end', () => process.exit(0)); process.stdin.resume();`,
  ]);
  lab = {
    netnsName: topo.server.name,
    netnsInode: topo.server.inode,
    pid: listener.pid,
    dir: work,
    bin,
    hookUrl: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
    demo: join(ROOT, 'demo/incident.ndjson.gz'),
  };
  examples = await allExamples();
}, 120_000);

afterAll(async () => {
  client?.kill('SIGKILL');
  await topo?.destroy();
  await new Promise<void>((r) => (hook ? hook.close(() => r()) : r()));
  await tmux(['kill-session', '-t', 'tsex-none']).catch(() => undefined);
  if (work) await rm(work, { recursive: true, force: true });
});

interface Outcome {
  code: number | undefined;
  stopped: boolean;
  screen: string;
}

/** Runs one shell command line in a tmux pane (a terminal, as a user would), cwd `dir`; its exit code via a file. */
async function runInTerminal(id: string, command: string, dir: string, budgetMs: number): Promise<Outcome> {
  const session = `tsex-${process.pid}-${id}`;
  const status = join(dir, '.exit');
  const script = join(dir, '.example.sh');
  // pipefail: a usage error of tcpscope in `tcpscope … | jq` must not hide behind jq's exit 0.
  // The pane stays (sleep) after the example so its screen and process tree can be read; the session is killed after.
  // Repository scripts (`scripts/…`) run from the clone, as the README says; tcpscope examples from a scratch dir.
  const cwd = /^(?:sudo )?scripts\//.test(command) ? ROOT : dir;
  await writeFile(
    script,
    `export PATH=${lab.bin}:$PATH TERM=xterm-256color\ncd ${cwd}\nset -o pipefail\n${command}\necho $? > ${status}\nexec sleep 600\n`,
  );
  await execa('tmux', [
    'new-session',
    '-d',
    '-s',
    session,
    '-x',
    '120',
    '-y',
    '36',
    '-c',
    dir,
    'bash',
    '--norc',
    '--noprofile',
    script,
  ]);
  const panePid = Number((await tmux(['display-message', '-p', '-t', session, '#{pane_pid}'])).stdout.trim());
  if (!(panePid > 1)) throw new Error(`tmux pane of ${command}: no pid`);
  const readStatus = async (): Promise<number | undefined> => {
    const t = await readFile(status, 'utf8').catch(() => '');
    return /^\d+\s*$/.test(t) ? Number(t) : undefined;
  };
  let screen = '';
  let stopped = false;
  try {
    const until = Date.now() + budgetMs;
    let code = await readStatus();
    while (code === undefined && Date.now() < until) {
      await sleep(250);
      code = await readStatus();
    }
    if (code === undefined) {
      stopped = (await interrupt(panePid)) > 0;
      for (let i = 0; i < 80 && code === undefined; i++) {
        await sleep(250);
        code = await readStatus();
      }
    }
    screen = (await tmux(['capture-pane', '-p', '-t', session, '-S', '-40'])).stdout;
    return { code, stopped, screen };
  } finally {
    for (const pid of (await tree(panePid)).reverse()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended
      }
    }
    await tmux(['kill-session', '-t', session]);
  }
}

describe('every documented example runs', () => {
  it('finds the examples of README.md, docs/*.md and every --help, and the not-run list is current', () => {
    expect(examples.length).toBeGreaterThan(50);
    const sources = new Set(examples.map((e) => e.source.replace(/:\d+$/, '')));
    for (const s of [
      'README.md',
      'docs/alerts.md',
      'docs/recording.md',
      'docs/metrics.md',
      'tcpscope watch --help',
      'tcpscope replay --help',
    ]) {
      expect(sources, s).toContain(s);
    }
    for (const n of NOT_RUN)
      expect(
        examples.map((e) => e.command),
        `stale not-run entry: ${n.command}`,
      ).toContain(n.command);
  });

  it(
    'runs each one (in parallel, 4 at a time) with the exit code its comment states',
    { timeout: 600_000 },
    async () => {
      // One run per distinct command after substitution; every place it is written is named on failure.
      const runs = new Map<string, { example: Example; sources: string[]; setup: (dir: string) => Promise<void> }>();
      for (const e of examples) {
        if (NOT_RUN.some((n) => n.command === e.command)) continue;
        const s = substitute(e.command, lab);
        const key = `${s.command}\u0000${e.expectedExit}`;
        const known = runs.get(key);
        if (known) known.sources.push(e.source);
        else runs.set(key, { example: { ...e, command: s.command }, sources: [e.source], setup: s.setup });
      }
      const failures: string[] = [];
      const queue = [...runs.values()];
      let n = 0;
      const worker = async (): Promise<void> => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          const id = String(n++);
          const dir = join(work, `ex-${id}`);
          await mkdir(dir);
          await job.setup(dir);
          const { example } = job;
          const long = example.expectedExit !== 0 || /^(?:sudo )?scripts\//.test(example.command);
          const r = await runInTerminal(id, example.command, dir, long ? LONG_BUDGET_MS : BUDGET_MS);
          // Stopped by Ctrl-C: 0 or the documented 130 (README exit codes), never a usage error or a crash.
          const ok = r.stopped
            ? example.expectedExit === 0 && (r.code === 0 || r.code === 130)
            : r.code === example.expectedExit;
          if (!ok) {
            failures.push(
              `${job.sources.join(', ')}: \`${example.command}\` exited ${r.code ?? 'never'}${r.stopped ? ' after Ctrl-C' : ''}, expected ${example.expectedExit}\n${r.screen
                .split('\n')
                .filter((l) => l.trim() !== '')
                .slice(-8)
                .join('\n')}`,
            );
          }
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(failures, failures.join('\n\n')).toEqual([]);
      // The README's pager example ran with its own arguments (dashes included) when its alert fired, or not at all.
      const pages = await readFile(join(work, 'pages.log'), 'utf8').catch(() => '');
      if (pages !== '') expect(pages).toMatch(/^page-oncall( --team net)? ?$/m);
    },
  );
});
