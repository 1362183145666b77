// Sysctl advice that works in a container world: the command for now in THAT netns (ip netns exec / nsenter) and
// how to make it stick where the netns comes from (docker run --sysctl, compose, pod securityContext, a unit).
// Pure: the same netns ref (as recorded) always gives the same text, so replays advise what live did.
import type { NetnsOwner, NetnsRef } from '../model/host-sample.js';

/**
 * The kubelet's safe sysctls (allowed in a pod without --allowed-unsafe-sysctls), with the Kubernetes version that
 * added each and the kernel it needs: pkg/kubelet/sysctl/safe_sysctls.go of kubernetes/kubernetes and
 * https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/ ("Safe and Unsafe Sysctls").
 */
export const KUBELET_SAFE_SYSCTLS: Record<string, { since: string; kernel?: string }> = {
  'kernel.shm_rmid_forced': { since: '1.4' },
  'net.ipv4.ip_local_port_range': { since: '1.4' },
  'net.ipv4.tcp_syncookies': { since: '1.4' },
  'net.ipv4.ping_group_range': { since: '1.18' },
  'net.ipv4.ip_unprivileged_port_start': { since: '1.22' },
  'net.ipv4.ip_local_reserved_ports': { since: '1.27', kernel: '3.16' },
  'net.ipv4.tcp_keepalive_time': { since: '1.29', kernel: '4.5' },
  'net.ipv4.tcp_fin_timeout': { since: '1.29', kernel: '4.6' },
  'net.ipv4.tcp_keepalive_intvl': { since: '1.29', kernel: '4.5' },
  'net.ipv4.tcp_keepalive_probes': { since: '1.29', kernel: '4.5' },
  'net.ipv4.tcp_rmem': { since: '1.32', kernel: '4.15' },
  'net.ipv4.tcp_wmem': { since: '1.32', kernel: '4.15' },
};

const assign = (name: string, value: string | number): string => {
  const v = String(value);
  return /\s/.test(v) ? `${name}="${v}"` : `${name}=${v}`;
};

/** `sysctl -w` in the netns: `ip netns exec NAME`, else `nsenter -t PID -n` for a container/service, else as is. */
export function sysctlNowCommand(netns: NetnsRef | undefined, name: string, value: string | number): string {
  const cmd = `sysctl -w ${assign(name, value)}`;
  if (netns?.name) return `ip netns exec ${netns.name} ${cmd}`;
  // A container's netns (or, in whole-host mode, any other unnamed netns) is entered through a process inside it.
  if (netns?.pid !== undefined && netns.isHost !== true) return `nsenter -t ${netns.pid} -n ${cmd}`;
  return cmd;
}

/** Whether a pod may set the sysctl by default, and what the user must do otherwise. */
export function kubeletSysctlStatus(name: string): string {
  const safe = KUBELET_SAFE_SYSCTLS[name];
  if (safe) {
    return `${name} is on the kubelet's safe list since Kubernetes ${safe.since}${safe.kernel ? ` (kernel >= ${safe.kernel})` : ''}: allowed by default`;
  }
  return `${name} is not on the kubelet's safe list: every node that runs the pod needs kubelet --allowed-unsafe-sysctls=${name} (else the pod fails to start with SysctlForbidden)`;
}

/** How to make `name=value` survive a restart of what owns the netns (a new container starts at kernel defaults). */
export function persistSysctl(
  owner: NetnsOwner | undefined,
  netnsName: string | undefined,
  name: string,
  value: string | number,
): string {
  const a = assign(name, value);
  if (!owner) {
    return netnsName
      ? `to keep it: set it again whenever ${netnsName} is recreated (a new netns starts at the kernel's defaults, not the host's)`
      : `to keep it: echo '${name} = ${value}' > /etc/sysctl.d/90-tcpscope.conf && sysctl --system`;
  }
  switch (owner.runtime) {
    case 'docker': {
      const compose = owner.compose
        ? `; compose: services.${owner.compose.service}.sysctls: ["${a}"] in project ${owner.compose.project}`
        : '; compose: sysctls: ["' + a + '"]';
      return `to keep it: recreate ${owner.name} with docker run --sysctl ${a}${owner.image ? ` … ${owner.image}` : ''}${compose} (host sysctls do not reach containers)`;
    }
    case 'podman':
      return `to keep it: recreate ${owner.name} with podman run --sysctl ${a}${owner.image ? ` … ${owner.image}` : ''} (host sysctls do not reach containers)`;
    case 'kubernetes':
      return `to keep it: in pod ${owner.name}'s spec.securityContext.sysctls add {name: ${name}, value: "${value}"}; ${kubeletSysctlStatus(name)}`;
    case 'systemd':
      return `to keep it: systemctl edit ${owner.name} and add ExecStartPre=/usr/sbin/sysctl -w ${a} (it runs inside the unit's private netns; no "+" prefix)`;
  }
}

/** Who to restart with a bigger listen() backlog: `pid 812 (nginx) in container web1 (image nginx:1.27)`. */
export function whereItRuns(owner: NetnsOwner | undefined): string {
  if (!owner) return '';
  if (owner.runtime === 'docker' || owner.runtime === 'podman')
    return ` in container ${owner.name}${owner.image ? ` (image ${owner.image})` : ''}`;
  if (owner.runtime === 'kubernetes') return ` in pod ${owner.name}`;
  return ` in ${owner.name}`;
}

const SYSCTL_W = /sysctl -w ([a-z0-9_.]+)=("[^"]*"|\S+)/;

/**
 * Adds, after each `sysctl -w NAME=VALUE` advice line of a finding about a netns a container, pod or service owns,
 * how to make it stick there. Other advice is left as it is.
 */
export function withPersistence(advice: string[], netns: NetnsRef | undefined): string[] {
  if (!netns?.owner) return advice;
  const out: string[] = [];
  for (const line of advice) {
    out.push(line);
    const m = SYSCTL_W.exec(line);
    if (m?.[1] && m[2]) out.push(persistSysctl(netns.owner, netns.name, m[1], m[2].replace(/^"|"$/g, '')));
  }
  return out;
}
