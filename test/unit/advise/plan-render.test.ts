// The plan and its formats: healthy → keep everything with margins; folklore refused with reasons; the sysctl.d
// drop-in holds only the changes (each with its reason), docker/k8s the container-scoped forms with the safe list.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderAdvice, type AdviceFormat } from '../../../src/advise/render.js';
import type { AdviceReport } from '../../../src/advise/report.js';
import { sysctlFileEntries } from '../../../scripts/lab/sysctl-file.js';
import { planOf } from './fixtures.js';

const report = (...plans: ReturnType<typeof planOf>[]): AdviceReport => ({
  sources: ['rec.ndjson'],
  host: 'vm',
  kernel: '6.18.44',
  plans,
  warnings: [],
});
const render = (r: AdviceReport, f: AdviceFormat): string => renderAdvice(r, f);

describe('plan', () => {
  it('healthy: verdict keep, every advice keep, margins measured', () => {
    const plan = planOf('healthy', 'server');
    expect(plan.verdict).toBe('keep');
    expect(plan.advice.every((a) => a.action === 'keep')).toBe(true);
    expect(plan.margins.join('\n')).toMatch(/fullest accept queue: \d+ of 511/);
    expect(render(report(plan), 'text')).toContain('verdict: keep everything');
  });

  it("refuses the five folklore items with the kernel's reasons", () => {
    const why = planOf('backlog-burst', 'server')
      .refusals.map((r) => `${r.setting}: ${r.why}`)
      .join('\n');
    expect(why).toMatch(/tcp_tw_recycle: .*removed in Linux 4\.12/);
    expect(why).toMatch(/tcp_tw_reuse: it applies to outgoing connect\(\) only \(and needs tcp_timestamps=1\)/);
    expect(why).toMatch(/tcp_max_syn_backlog: it does nothing for an accept-queue overflow/);
    expect(why).toMatch(/tcp_fin_timeout: TIME_WAIT lasts 60 s/);
    expect(why).toMatch(/tcp_abort_on_overflow: it trades slow connects for resets/);
  });
});

describe('formats', () => {
  it('sysctl.d: exactly the netns-scoped changes as settings, reasons as comments, app side as a comment', () => {
    const out = render(report(planOf('backlog-burst', 'server')), 'sysctl.d');
    expect(sysctlFileEntries(out)).toEqual([{ name: 'net.core.somaxconn', value: '4096' }]);
    expect(out).toMatch(/^# {3}evidence: .*16/m);
    expect(out).toMatch(/^# not a sysctl \(application side\): listen\(\) backlog of .* 16 -> \d+/m);
    expect(out).toMatch(/ip netns exec tslab-\S+ sysctl -p FILE/);
  });

  it('sysctl.d of a healthy plan sets nothing', () => {
    expect(sysctlFileEntries(render(report(planOf('healthy', 'server')), 'sysctl.d'))).toEqual([]);
  });

  it('docker: --sysctl flags and a compose sysctls map', () => {
    const out = render(report(planOf('port-exhaustion', 'client')), 'docker');
    expect(out).toContain("--sysctl net.ipv4.ip_local_port_range='32768 60999' --sysctl net.ipv4.tcp_tw_reuse=1");
    const compose = parse(
      out
        .split('\n')
        .filter((l) => !l.startsWith('#'))
        .join('\n'),
    ) as { sysctls: Record<string, string> };
    expect(compose.sysctls).toEqual({ 'net.ipv4.ip_local_port_range': '32768 60999', 'net.ipv4.tcp_tw_reuse': '1' });
  });

  it('k8s: securityContext.sysctls, the port range safe, tw_reuse and somaxconn unsafe', () => {
    const out = render(report(planOf('port-exhaustion', 'client'), planOf('backlog-burst', 'server')), 'k8s');
    expect(out).toMatch(/# net\.ipv4\.ip_local_port_range: safe —/);
    expect(out).toMatch(/# net\.ipv4\.tcp_tw_reuse: UNSAFE: kubelet --allowed-unsafe-sysctls=net\.ipv4\.tcp_tw_reuse/);
    expect(out).toMatch(/# net\.core\.somaxconn: UNSAFE/);
    const docs = out
      .split(/^---$/m)
      .slice(1)
      .map((d) => parse(d) as { spec: { securityContext: { sysctls: { name: string; value: string }[] } } });
    expect(docs[0]!.spec.securityContext.sysctls).toEqual([
      { name: 'net.ipv4.ip_local_port_range', value: '32768 60999' },
      { name: 'net.ipv4.tcp_tw_reuse', value: '1' },
    ]);
    expect(docs[1]!.spec.securityContext.sysctls).toEqual([{ name: 'net.core.somaxconn', value: '4096' }]);
  });

  it('markdown: a plan table with the changes first; json round-trips', () => {
    const r = report(planOf('lossy-handshake', 'server'));
    const md = render(r, 'markdown');
    expect(md).toMatch(/\| setting \| action \| evidence \| consequence on this kernel \| risk \| wrong if \|/);
    expect(md.split('\n').find((l) => l.startsWith('| `')) ?? '').toContain('tcp_synack_retries');
    expect((JSON.parse(render(r, 'json')) as AdviceReport).plans[0]!.verdict).toBe('change');
  });
});
