// The Grafana dashboard: the panels the fleet needs, every PromQL expression accepted by the real promtool (as
// recording rules), and every tcpscope metric it reads is one the exporter really produces.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { createMetrics } from '../../../src/export/metrics.js';
import { ALERT_COUNTERS, nstatMetricName } from '../../../src/export/nstat-names.js';
import { snap } from '../alert/snapshots.js';
import { promtool } from '../../helpers/promtool.js';
import { dashboardQueries, grafanaToPromQL, loadDashboard } from '../../helpers/grafana.js';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tcpscope-grafana-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('deploy/grafana/tcpscope.json', () => {
  it('has the per-namespace panels, each with a netns selector', async () => {
    const d = await loadDashboard();
    const titles = d.panels.map((p) => p.title);
    for (const t of [
      'Accept-queue overflows /s',
      'SYN-queue drops /s',
      'RSTs sent by reason /s',
      'Drops by reason /s',
      'Sockets by state',
      'Listener queue vs capacity',
      'Findings',
    ]) {
      expect(titles).toContain(t);
    }
    for (const p of d.panels) for (const t of p.targets ?? []) expect(t.expr, p.title).toContain('netns=~"$netns"');
    expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance', 'netns']);
  });

  it('every expression passes promtool check rules (wrapped as recording rules)', async () => {
    const queries = dashboardQueries(await loadDashboard());
    expect(queries.length).toBeGreaterThan(25);
    const rules = queries.map((q, i) => ({ record: `grafana:query_${i}`, expr: q.expr }));
    const file = join(dir, 'dashboard.rules.yml');
    await writeFile(file, stringify({ groups: [{ name: 'grafana', rules }] }));
    const r = await promtool(['check', 'rules', file]);
    expect(r.stdout + r.stderr).toContain(`SUCCESS: ${rules.length} rules found`);
    expect(r.exitCode).toBe(0);
  });

  it('a broken expression is caught by the same check (the test can fail)', async () => {
    const file = join(dir, 'broken.rules.yml');
    await writeFile(
      file,
      stringify({
        groups: [
          {
            name: 'g',
            rules: [
              {
                record: 'x:y',
                expr: grafanaToPromQL('sum by (netns) (rate(tcpscope_drops_total{netns=~"$netns"}[$__rate_interval])'),
              },
            ],
          },
        ],
      }),
    );
    expect((await promtool(['check', 'rules', file])).exitCode).not.toBe(0);
  });

  it('reads only metrics the exporter produces; the nstat counters it reads are exported at 0 from the start', async () => {
    const m = createMetrics();
    m.prime({ inode: 1, name: 'web1' });
    m.update(snap(0, { netns: { inode: 1, name: 'web1' } }));
    const exported = new Set((await m.registry.getMetricsAsJSON()).map((x) => x.name));
    const primed = new Set(ALERT_COUNTERS.map((c) => nstatMetricName(c)!));
    const used = new Set(
      dashboardQueries(await loadDashboard()).flatMap((q) =>
        [...q.expr.matchAll(/\btcpscope_[a-z0-9_]+/g)].map((x) => x[0]),
      ),
    );
    for (const name of used) {
      if (name.startsWith('tcpscope_netstat_')) expect(primed, name).toContain(name);
      else expect(exported, name).toContain(name);
    }
  });
});
