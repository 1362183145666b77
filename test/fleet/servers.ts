// Real Prometheus, Alertmanager and a webhook receiver as plain child processes on 127.0.0.1 (own ports, data dirs,
// configs), each killed with the test process (setpriv --pdeathsig KILL) and by stopAll().
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { stringify } from 'yaml';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A free port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Fails (never skips) when a server binary is missing, with the package to install. */
export async function requireServer(bin: string, pkg: string): Promise<void> {
  const r = await execa(bin, ['--version'], { reject: false, timeout: 20_000 });
  if (r.exitCode !== 0)
    throw new Error(`prerequisite missing: "${bin}" (apt-get install -y ${pkg}; scripts/setup.sh installs it)`);
}

export interface Proc {
  name: string;
  child: ResultPromise;
  log: string[];
}

const procs: Proc[] = [];

/** Starts `bin args` so that it dies with this process; output kept for failure messages. */
export function spawnServer(name: string, bin: string, args: string[]): Proc {
  const child = execa('setpriv', ['--pdeathsig', 'KILL', '--', bin, ...args], {
    reject: false,
    stdin: 'ignore',
    all: true,
    buffer: false,
  });
  const log: string[] = [];
  child.all?.setEncoding('utf8');
  child.all?.on('data', (c: string) => {
    log.push(c);
    if (log.length > 400) log.splice(0, 100);
  });
  const p = { name, child, log };
  procs.push(p);
  return p;
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  logs: Proc[] = [],
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) {
      const tail = logs.map((p) => `--- ${p.name}:\n${p.log.join('').slice(-1500)}`).join('\n');
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}\n${tail}`,
      );
    }
    await sleep(250);
  }
}

async function ready(p: Proc, url: string): Promise<void> {
  await waitFor(
    `${p.name} ready at ${url}`,
    async () => {
      if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}`);
      const r = await fetch(url);
      return r.ok ? true : undefined;
    },
    30_000,
    [p],
  );
}

export interface Servers {
  prometheus: string;
  alertmanager: string;
}

/** Alertmanager (webhook receiver, 1 s grouping) and Prometheus (1 s scrape and evaluation) in `dir`. */
export async function startPrometheusStack(
  dir: string,
  o: { targets: string[]; rulesFile: string; webhookUrl: string },
): Promise<Servers> {
  await mkdir(join(dir, 'am-data'), { recursive: true });
  await mkdir(join(dir, 'prom-data'), { recursive: true });
  const amPort = await freePort();
  const promPort = await freePort();
  await writeFile(
    join(dir, 'alertmanager.yml'),
    stringify({
      route: {
        receiver: 'hook',
        group_by: ['alertname', 'netns'],
        group_wait: '1s',
        group_interval: '1s',
        repeat_interval: '1h',
      },
      receivers: [{ name: 'hook', webhook_configs: [{ url: o.webhookUrl, send_resolved: true }] }],
    }),
  );
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
      rule_files: [o.rulesFile],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [{ job_name: 'tcpscope', static_configs: [{ targets: o.targets }] }],
    }),
  );
  const am = spawnServer('alertmanager', 'prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=', // no gossip port on 0.0.0.0
  ]);
  const prom = spawnServer('prometheus', 'prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--rules.alert.resend-delay=1s',
  ]);
  const servers = { prometheus: `http://127.0.0.1:${promPort}`, alertmanager: `http://127.0.0.1:${amPort}` };
  await Promise.all([ready(am, `${servers.alertmanager}/-/ready`), ready(prom, `${servers.prometheus}/-/ready`)]);
  return servers;
}

export interface WebhookAlert {
  status: string;
  labels: Record<string, string>;
  startsAt: string;
  endsAt: string;
}

/** A local receiver of Alertmanager's webhook: every alert of every notification, in order. */
export async function startWebhook(): Promise<{ url: string; alerts: WebhookAlert[]; close(): Promise<void> }> {
  const alerts: WebhookAlert[] = [];
  const server: Server = createHttpServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      try {
        alerts.push(...(JSON.parse(body) as { alerts: WebhookAlert[] }).alerts);
      } catch {
        // not ours
      }
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    alerts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through Prometheus's HTTP API. */
export async function query(prometheus: string, promql: string): Promise<Sample[]> {
  const r = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const body = (await r.json()) as { status: string; error?: string; data?: { result: Sample[] } };
  if (body.status !== 'success') throw new Error(`query ${promql}: ${body.error ?? r.status}`);
  return body.data!.result;
}

/** Stops every server started here: SIGTERM, then SIGKILL after 5 s; resolves when all have exited. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    procs.splice(0).map(async (p) => {
      if (p.child.exitCode !== null) return;
      p.child.kill('SIGTERM');
      const t = setTimeout(() => p.child.kill('SIGKILL'), 5000);
      await p.child;
      clearTimeout(t);
    }),
  );
}
