// The real Prometheus and Alertmanager (Debian packages) scraping `tcpscope serve` during an accept-queue overflow in
// a lab netns: the PromQL overflow rate is there for that netns only, the rule made by `tcpscope alerts export` fires,
// Alertmanager delivers it to a local webhook with the netns label, and it resolves after the overflows stop.
import { afterAll, describe, expect, it } from 'vitest';
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../../scripts/lab/index.js';
import { requireLab } from '../helpers/prereq.js';
import { checkMetrics } from '../helpers/promtool.js';
import { dashboardQueries, loadDashboard } from '../helpers/grafana.js';
import {
  freePort,
  query,
  requireServer,
  startPrometheusStack,
  startWebhook,
  stopAll,
  waitFor,
  type Servers,
  type WebhookAlert,
} from './servers.js';

const CLI = 'dist/cli/main.js';
const RULE = 'lab_overflow';
const FINDING_RULE = 'lab_finding';
const OVERFLOWS = 'tcpscope_netstat_tcpext_listen_overflows_total';

const serves: ResultPromise[] = [];
let dir = '';
let webhook: Awaited<ReturnType<typeof startWebhook>> | undefined;

afterAll(async () => {
  for (const s of serves) s.kill('SIGTERM');
  await Promise.all(serves.map((s) => s));
  await stopAll();
  await webhook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `tcpscope serve` (the built binary, procfs counters) for one netns, on a free loopback port. */
async function serve(netns: string): Promise<string> {
  const port = await freePort();
  const child = execa(
    'node',
    [CLI, 'serve', '--procfs', '--netns', netns, '--interval', '500ms', '--metrics', `127.0.0.1:${port}`],
    { reject: false },
  );
  serves.push(child);
  const url = `127.0.0.1:${port}`;
  // Primed: the overflow counter is there at 0 before anything overflowed.
  await waitFor(
    `tcpscope serve --netns ${netns}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`serve exited ${child.exitCode}: ${String(child.stderr)}`);
      const text = await (await fetch(`http://${url}/metrics`)).text();
      return text.includes(`${OVERFLOWS}{netns="${netns}"} 0`) ? true : undefined;
    },
    20_000,
  );
  return url;
}

const byNetns = (samples: { metric: Record<string, string>; value: [number, string] }[]): Record<string, number> =>
  Object.fromEntries(samples.map((s) => [s.metric.netns!, Number(s.value[1])]));

describe('Prometheus + Alertmanager on a lab accept-queue overflow', () => {
  it('query per netns, exported rule fires, webhook gets it with the netns label, then resolved', async () => {
    await requireLab();
    await requireServer('prometheus', 'prometheus');
    await requireServer('prometheus-alertmanager', 'prometheus-alertmanager');
    dir = await mkdtemp(join(tmpdir(), 'tcpscope-fleet-'));
    webhook = await startWebhook();
    const hook = webhook;

    // The rules Prometheus loads are what the CLI exports: one lab rule and the built-in set (must load too).
    const exported = await execa('node', [
      CLI,
      'alerts',
      'export',
      '--format',
      'prometheus',
      '--alerts',
      'builtin',
      '--alert',
      `${RULE}: rate(TcpExtListenOverflows[5s]) > 0 for 1s severity critical`,
      '--alert',
      `${FINDING_RULE}: finding(accept-queue-overflow)`,
    ]);
    await writeFile(join(dir, 'rules.yml'), exported.stdout);

    let servers: Servers | undefined;
    let targets: string[] = [];
    let serverNs = '';
    let clientNs = '';
    let exportedOverflows = -1;
    let firing: WebhookAlert | undefined;
    let resolved: WebhookAlert | undefined;
    let findingAlert: WebhookAlert | undefined;
    const timings: Record<string, number> = {};
    const t0 = Date.now();
    const truth = await runScenario('accept-overflow', {
      durationMs: 6000,
      variant: { late: 6 },
      beforeTraffic: async (topo) => {
        serverNs = topo.server.name;
        clientNs = topo.client.name;
        targets = await Promise.all([serve(serverNs), serve(clientNs)]);
        servers = await startPrometheusStack(dir, { targets, rulesFile: join(dir, 'rules.yml'), webhookUrl: hook.url });
        const prom = servers.prometheus;
        // Scraped at 0 before the first overflow, so increase()/rate() will see the first one.
        await waitFor(
          'first scrape of both netns',
          async () => {
            const s = byNetns(await query(prom, `${OVERFLOWS}{job="tcpscope"}`));
            return s[serverNs] === 0 && s[clientNs] === 0 ? true : undefined;
          },
          20_000,
        );
        timings.ready = Date.now() - t0;
      },
      afterTraffic: async () => {
        const prom = servers!.prometheus;
        timings.trafficEnd = Date.now() - t0;
        firing = await waitFor(
          'a firing notification for the server netns',
          async () => hook.alerts.find((a) => a.status === 'firing' && a.labels.alertname === RULE),
          20_000,
        );
        timings.firing = Date.now() - t0;
        // The diagnosis finding, exported as tcpscope_finding_active, alerts through the same chain.
        findingAlert = await waitFor(
          'a firing notification of the finding rule',
          async () => hook.alerts.find((a) => a.status === 'firing' && a.labels.alertname === FINDING_RULE),
          20_000,
        );
        // The overflow rate, per netns: only the server's netns overflowed.
        const peak = byNetns(await query(prom, `max_over_time(rate(${OVERFLOWS}[5s])[2m:1s])`));
        expect(peak[serverNs]).toBeGreaterThan(0);
        expect(peak[clientNs]).toBe(0);
        const overflowing = await query(prom, `max_over_time(rate(${OVERFLOWS}[5s])[2m:1s]) > 0`);
        expect(overflowing.map((s) => s.metric.netns)).toEqual([serverNs]);
        // Every query of the Grafana dashboard runs in this Prometheus; the overflow panel shows the server netns.
        for (const q of dashboardQueries(await loadDashboard())) await query(prom, q.expr);
        const panel = dashboardQueries(await loadDashboard()).find(
          (q) => q.where === 'panel "Accept-queue overflows /s" A',
        )!;
        expect(byNetns(await query(prom, `max_over_time((${panel.expr})[2m:1s])`))[serverNs]).toBeGreaterThan(0);
        // A real scrape during the scenario passes promtool's lint (names, types, units, help).
        const scrape = await (await fetch(`http://${targets[0]!}/metrics`)).text();
        expect(scrape).toMatch(new RegExp(`${OVERFLOWS}\\{netns="${serverNs}"\\} [1-9]`));
        const lint = await checkMetrics(scrape);
        expect(lint.stdout + lint.stderr).toBe('');
        expect(lint.exitCode).toBe(0);
        // The counter as Prometheus stored it, once a scrape after the traffic is in.
        await new Promise((r) => setTimeout(r, 2000));
        exportedOverflows = byNetns(await query(prom, `${OVERFLOWS}{job="tcpscope"}`))[serverNs] ?? -1;
        // Overflows stopped: rate[5s] is 0 after ≤ 5 s, Prometheus resolves, Alertmanager sends "resolved".
        resolved = await waitFor(
          'a resolved notification',
          async () => hook.alerts.find((a) => a.status === 'resolved' && a.labels.alertname === RULE),
          30_000,
        );
        timings.resolved = Date.now() - t0;
        // Every rule of the exported file loaded and evaluates without error in the real Prometheus.
        const rules = (await (await fetch(`${prom}/api/v1/rules`)).json()) as {
          data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] };
        };
        const all = rules.data.groups.flatMap((g) => g.rules);
        expect(all.map((r) => r.name)).toContain('1m_tcp_accept_queue_overflows_critical');
        expect(
          all.filter((r) => r.health !== 'ok'),
          JSON.stringify(all),
        ).toEqual([]);
      },
    });

    expect(firing?.labels).toMatchObject({ alertname: RULE, netns: serverNs, severity: 'critical', job: 'tcpscope' });
    expect(resolved?.labels).toMatchObject({ alertname: RULE, netns: serverNs });
    expect(findingAlert?.labels).toMatchObject({ alertname: FINDING_RULE, netns: serverNs, severity: 'warning' });
    expect(webhook.alerts.filter((a) => a.labels.netns === clientNs)).toEqual([]);
    // What Prometheus stored is the kernel's own count for the server netns (serve started before the traffic).
    expect(exportedOverflows).toBeGreaterThan(0);
    expect(exportedOverflows).toBe(truth.server.counters.TcpExtListenOverflows);
    console.log(`fleet e2e timings (ms from start): ${JSON.stringify(timings)}; overflows ${exportedOverflows}`);
  }, 120_000);
});
