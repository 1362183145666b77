// The plan as files to apply: a sysctl.d drop-in (each line's reason as comments), docker flags + compose
// `sysctls:`, and a Kubernetes pod securityContext (safe vs unsafe per the kubelet). Only changes become settings;
// host-wide ones and app-side ones stay comments (a container cannot set them).
import { stringify } from 'yaml';
import type { Advice } from './advice.js';
import { netnsName, settingLabel } from './describe.js';
import { K8S_LATER_SAFE, K8S_SAFE_SYSCTLS } from './k8s-safe.js';
import type { Plan } from './plan.js';
import type { AdviceReport } from './report.js';

const settable = (p: Plan): Advice[] =>
  p.advice.filter((a) => a.action === 'change' && a.kind === 'sysctl' && a.scope === 'netns');

function commentsFor(p: Plan, prefix = '# '): string[] {
  const out: string[] = [];
  for (const a of p.advice.filter((x) => x.action === 'change' && (x.kind === 'app' || x.scope === 'host'))) {
    out.push(
      a.kind === 'app'
        ? `${prefix}not a sysctl (application side): ${settingLabel(a)} ${a.current ?? '?'} -> ${a.proposed ?? '?'}: set it in the service's config and restart it (listen() is called once)`
        : `${prefix}host-wide, not settable per netns/container: ${a.setting} = ${a.proposed ?? '?'} (on the host: sysctl -w ${a.setting}=${a.proposed ?? '?'})`,
    );
  }
  const kept = p.advice
    .filter((a) => a.action === 'keep' && a.kind === 'sysctl')
    .map((a) => `${settingLabel(a)}=${a.current ?? '?'}`);
  if (kept.length) out.push(`${prefix}kept as they are (measured margins in the text plan): ${kept.join(', ')}`);
  return out;
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ');

export function renderSysctlD(r: AdviceReport): string {
  const out: string[] = [
    `# tcpscope advise: sysctl.d drop-in from ${r.sources.join(', ')} (kernel ${r.kernel || '?'}). Review before use.`,
  ];
  for (const p of r.plans) {
    const where = p.profile.netns.name;
    out.push(
      '#',
      `# netns ${netnsName(p.profile)}: apply with ${where ? `ip netns exec ${where} sysctl -p FILE` : 'sysctl -p FILE (or copy to /etc/sysctl.d/90-tcpscope.conf and sysctl --system)'}`,
    );
    if (p.verdict === 'keep') out.push('# keep everything: no measured limit was reached');
    for (const a of settable(p)) {
      out.push(`# ${a.setting}: ${a.current ?? '(absent)'} -> ${a.proposed ?? '?'}`);
      for (const e of a.evidence) out.push(`#   evidence: ${oneLine(e)}`);
      out.push(
        `#   consequence: ${oneLine(a.consequence)}`,
        `#   risk: ${oneLine(a.risk)}`,
        `#   wrong if: ${oneLine(a.wrongIf)}`,
      );
      out.push(`${a.setting} = ${a.proposed ?? ''}`);
    }
    out.push(...commentsFor(p));
  }
  return `${out.join('\n')}\n`;
}

export function renderDocker(r: AdviceReport): string {
  const out: string[] = [
    `# tcpscope advise: container-scoped settings from ${r.sources.join(', ')} (kernel ${r.kernel || '?'}).`,
    '# These sysctls are per network namespace: docker sets them per container (not with --network host).',
  ];
  for (const p of r.plans) {
    const changes = settable(p);
    out.push(
      '',
      `# netns ${netnsName(p.profile)}: ${changes.length ? `${changes.length} change(s)` : 'keep everything'}`,
    );
    out.push(
      `# docker run ${changes.map((a) => `--sysctl ${a.setting}=${/\s/.test(a.proposed ?? '') ? `'${a.proposed ?? ''}'` : (a.proposed ?? '')}`).join(' ') || '(no --sysctl needed)'} IMAGE`,
    );
    out.push('# docker compose, under the service:');
    out.push(stringify({ sysctls: Object.fromEntries(changes.map((a) => [a.setting, a.proposed ?? ''])) }).trimEnd());
    out.push(...commentsFor(p));
  }
  return `${out.join('\n')}\n`;
}

export function renderK8s(r: AdviceReport): string {
  const out: string[] = [
    `# tcpscope advise: pod securityContext.sysctls from ${r.sources.join(', ')} (kernel ${r.kernel || '?'}).`,
    '# The kubelet allows only its safe list by default (pkg/kubelet/sysctl/safe_sysctls.go); others need',
    "# --allowed-unsafe-sysctls=<name> on the node's kubelet, or the pod is rejected (SysctlForbidden).",
  ];
  for (const p of r.plans) {
    const changes = settable(p);
    out.push(
      '---',
      `# netns ${netnsName(p.profile)}: ${changes.length ? `${changes.length} change(s)` : 'keep everything'}`,
    );
    for (const a of changes) {
      const safe = K8S_SAFE_SYSCTLS.has(a.setting);
      out.push(
        `# ${a.setting}: ${safe ? `safe${K8S_LATER_SAFE.has(a.setting) ? ' on recent kubelets (older ones: unsafe)' : ''}` : `UNSAFE: kubelet --allowed-unsafe-sysctls=${a.setting}`} — ${oneLine(a.evidence[0] ?? '')}`,
      );
    }
    out.push(
      stringify({
        spec: { securityContext: { sysctls: changes.map((a) => ({ name: a.setting, value: a.proposed ?? '' })) } },
      }).trimEnd(),
    );
    out.push(...commentsFor(p));
  }
  return `${out.join('\n')}\n`;
}
