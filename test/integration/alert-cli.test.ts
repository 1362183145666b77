// The alert flags of the real `tcpscope watch` during the accept-overflow lab scenario: --exec once per firing
// (cooldown respected) with the value in its environment, a webhook POST on 127.0.0.1, --exit-on-alert 1 vs 0.
import { createServer, type IncomingMessage } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { createTopology, runScenario } from '../../scripts/lab/index.js';
import { requireKernelTracing, requireLab } from '../helpers/prereq.js';
import { onJsonLines } from '../helpers/ndjson.js';
import { ATTACHED_LINE, CLI, assertNothingLeft, killLeftovers, trackNetns } from './helpers.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SCRIPT = join(import.meta.dirname, 'fixtures', 'record-alert.mjs');

interface Line {
  type?: string;
  name?: string;
  state?: string;
  value?: number;
}

function watch(
  netns: string,
  extra: string[],
): { child: ResultPromise; lines: Line[]; attached: Promise<void>; stderr: () => string } {
  const child = execa('node', [CLI, 'watch', '--json', '--netns', netns, '--interval', '500ms', ...extra], {
    reject: false,
    buffer: false,
    env: { NO_COLOR: '1' },
    killSignal: 'SIGINT',
    forceKillAfterDelay: 10_000,
  });
  const lines: Line[] = [];
  onJsonLines<Line>(child.stdout, (l) => lines.push(l));
  let err = '';
  const attached = new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString();
      if (ATTACHED_LINE.test(err)) resolve();
    });
    void child.then(() => reject(new Error(`watch exited before attaching: ${err}`)));
  });
  attached.catch(() => undefined);
  return { child, lines, attached, stderr: () => err };
}

afterAll(async () => {
  killLeftovers();
  await assertNothingLeft();
});

describe('tcpscope watch alert flags on a real accept-queue overflow', () => {
  it('runs --exec once per firing with the value in env, POSTs the webhook, and --exit-on-alert exits 1', async () => {
    await requireLab();
    await requireKernelTracing();
    const dir = await mkdtemp(join(tmpdir(), 'tcpscope-alert-'));
    const execLog = join(dir, 'exec.ndjson');
    const posts: unknown[] = [];
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts.push(JSON.parse(body));
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const addr = server.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`;
    let w: ReturnType<typeof watch> | undefined;
    let gate: ReturnType<typeof watch> | undefined;
    try {
      await runScenario('accept-overflow', {
        beforeTraffic: async (topo) => {
          trackNetns(topo.server.name, topo.client.name);
          w = watch(topo.server.name, [
            '--alert',
            'ovf: TcpExtListenOverflows > 0 cooldown 10m',
            '--webhook',
            url,
            '--exec',
            'node',
            SCRIPT,
            execLog,
          ]);
          gate = watch(topo.server.name, [
            '--alert',
            'TcpExtListenOverflows > 0',
            '--exit-on-alert',
            '--duration',
            '60s',
          ]);
          await Promise.all([w.attached, gate.attached]);
        },
        afterTraffic: async () => {
          await sleep(1500);
          // Ctrl-C while the netns still exists: after the teardown, watch would end by itself ("netns vanished", 6).
          w!.child.kill('SIGINT');
          const r = await w!.child;
          expect({ exitCode: r.exitCode, signal: r.signal }, w!.stderr()).toEqual({ exitCode: 130, signal: undefined });
        },
      });
      // --exit-on-alert ended by itself, with 1, while the scenario ran.
      const g = await gate!.child;
      expect(g.exitCode).toBe(1);
      expect(gate!.lines.some((l) => l.type === 'alert' && l.state === 'firing')).toBe(true);

      const firing = w!.lines.filter((l) => l.type === 'alert' && l.state === 'firing');
      expect(firing).toHaveLength(1); // the cooldown holds later overflows back
      const execs = (await readFile(execLog, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { env: Record<string, string>; event: Line });
      const execFiring = execs.filter((e) => e.event.state === 'firing');
      expect(execFiring).toHaveLength(1);
      expect(execFiring[0]!.env.TCPSCOPE_ALERT_NAME).toBe('ovf');
      expect(Number(execFiring[0]!.env.TCPSCOPE_ALERT_VALUE)).toBe(firing[0]!.value);
      expect(Number(execFiring[0]!.env.TCPSCOPE_ALERT_VALUE)).toBeGreaterThan(0);
      expect(posts.filter((p) => (p as Line).state === 'firing')).toHaveLength(1);
    } finally {
      w?.child.kill('SIGKILL');
      gate?.child.kill('SIGKILL');
      server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--exit-on-alert exits 0 when a quiet netns stays quiet for the whole duration', async () => {
    await requireLab();
    await requireKernelTracing();
    const topo = await createTopology();
    trackNetns(topo.server.name, topo.client.name);
    try {
      const q = watch(topo.server.name, [
        '--alert',
        'TcpExtListenOverflows > 0',
        '--alerts',
        'builtin',
        '--exit-on-alert',
        '--duration',
        '6s',
      ]);
      const r = await q.child;
      expect(r.exitCode).toBe(0);
      expect(q.lines.filter((l) => l.type === 'alert')).toEqual([]);
      expect(q.lines.length).toBeGreaterThan(5);
    } finally {
      await topo.destroy();
    }
    expect(existsSync(`/run/netns/${topo.server.name}`)).toBe(false);
  });
});
