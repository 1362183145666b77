// Container-world advice: the command for now in that netns and how to keep it, per owner; the kubelet safe list.
import { describe, expect, it } from 'vitest';
import {
  KUBELET_SAFE_SYSCTLS,
  kubeletSysctlStatus,
  persistSysctl,
  sysctlNowCommand,
  whereItRuns,
  withPersistence,
} from '../../../src/diagnose/persist-advice.js';
import type { NetnsOwner, NetnsRef } from '../../../src/model/host-sample.js';
import { alertEnv } from '../../../src/alert/actions/env.js';
import { netnsLabels } from '../../../src/export/metrics.js';
import type { Snapshot } from '../../../src/model/snapshot.js';

const web1: NetnsOwner = {
  runtime: 'docker',
  name: 'web1',
  id: 'ab'.repeat(32),
  image: 'nginx:1.27',
  compose: { project: 'shop', service: 'web' },
};
const pod: NetnsOwner = {
  runtime: 'kubernetes',
  name: 'shop/cart-7d9f',
  pod: { namespace: 'shop', name: 'cart-7d9f', uid: 'u' },
  containers: ['cart', 'istio-proxy'],
  engine: 'containerd',
};
const unit: NetnsOwner = { runtime: 'systemd', name: 'api.service', unit: 'api.service' };

describe('sysctl advice per netns owner', () => {
  it('now: ip netns exec for a named netns, nsenter into a container, plain on the host', () => {
    expect(sysctlNowCommand({ inode: 1, name: 'blue' }, 'net.core.somaxconn', 4096)).toBe(
      'ip netns exec blue sysctl -w net.core.somaxconn=4096',
    );
    expect(sysctlNowCommand({ inode: 1, name: undefined, owner: web1, pid: 4242 }, 'net.core.somaxconn', 4096)).toBe(
      'nsenter -t 4242 -n sysctl -w net.core.somaxconn=4096',
    );
    expect(sysctlNowCommand({ inode: 1, name: undefined }, 'net.ipv4.ip_local_port_range', '1024 65535')).toBe(
      'sysctl -w net.ipv4.ip_local_port_range="1024 65535"',
    );
  });
  it('to keep it: docker run --sysctl and the compose service, podman, a unit drop-in, the host sysctl.d', () => {
    expect(persistSysctl(web1, undefined, 'net.core.somaxconn', 4096)).toBe(
      'to keep it: recreate web1 with docker run --sysctl net.core.somaxconn=4096 … nginx:1.27; compose: services.web.sysctls: ["net.core.somaxconn=4096"] in project shop (host sysctls do not reach containers)',
    );
    expect(persistSysctl({ runtime: 'podman', name: 'db' }, undefined, 'net.ipv4.tcp_fin_timeout', 15)).toBe(
      'to keep it: recreate db with podman run --sysctl net.ipv4.tcp_fin_timeout=15 (host sysctls do not reach containers)',
    );
    expect(persistSysctl(unit, undefined, 'net.ipv4.tcp_syncookies', 1)).toContain(
      'systemctl edit api.service and add ExecStartPre=/usr/sbin/sysctl -w net.ipv4.tcp_syncookies=1',
    );
    expect(persistSysctl(undefined, undefined, 'net.core.somaxconn', 4096)).toContain('/etc/sysctl.d/90-tcpscope.conf');
  });
  it('Kubernetes: securityContext.sysctls, safe or --allowed-unsafe-sysctls', () => {
    expect(persistSysctl(pod, undefined, 'net.ipv4.ip_local_port_range', '1024 65535')).toBe(
      'to keep it: in pod shop/cart-7d9f\'s spec.securityContext.sysctls add {name: net.ipv4.ip_local_port_range, value: "1024 65535"}; net.ipv4.ip_local_port_range is on the kubelet\'s safe list since Kubernetes 1.4: allowed by default',
    );
    expect(kubeletSysctlStatus('net.core.somaxconn')).toContain(
      "not on the kubelet's safe list: every node that runs the pod needs kubelet --allowed-unsafe-sysctls=net.core.somaxconn",
    );
    expect(kubeletSysctlStatus('net.ipv4.tcp_fin_timeout')).toBe(
      "net.ipv4.tcp_fin_timeout is on the kubelet's safe list since Kubernetes 1.29 (kernel >= 4.6): allowed by default",
    );
    expect(KUBELET_SAFE_SYSCTLS['net.ipv4.tcp_syncookies']?.since).toBe('1.4');
    expect(KUBELET_SAFE_SYSCTLS['net.ipv4.tcp_max_syn_backlog']).toBeUndefined(); // removed in 1.4: not namespaced then
  });
  it('withPersistence adds a keep-it line after each sysctl -w of an owned netns only', () => {
    const ref: NetnsRef = { inode: 7, name: undefined, owner: web1, pid: 10 };
    const advice = [
      'nsenter -t 10 -n sysctl -w net.core.somaxconn=4096',
      'then restart it',
      'nsenter -t 10 -n sysctl -w net.ipv4.tcp_abort_on_overflow=0  # ride out bursts',
    ];
    const out = withPersistence(advice, ref);
    expect(out).toHaveLength(5);
    expect(out[1]).toContain('docker run --sysctl net.core.somaxconn=4096');
    expect(out[4]).toContain('docker run --sysctl net.ipv4.tcp_abort_on_overflow=0');
    expect(withPersistence(advice, { inode: 7, name: 'blue' })).toEqual(advice);
    expect(whereItRuns(web1)).toBe(' in container web1 (image nginx:1.27)');
    expect(whereItRuns(pod)).toBe(' in pod shop/cart-7d9f');
  });
});

describe('owner labels in alerts and metrics', () => {
  it('alert --exec env names the container, image, pod', () => {
    const base = {
      type: 'alert' as const,
      name: 'r',
      expr: 'x > 1',
      state: 'firing' as const,
      value: 2,
      time: 1,
      severity: 'critical' as const,
      message: 'm',
    };
    expect(alertEnv({ ...base, netns: { inode: 5, name: undefined, owner: web1 } })).toMatchObject({
      TCPSCOPE_NETNS: '5',
      TCPSCOPE_ALERT_RUNTIME: 'docker',
      TCPSCOPE_ALERT_CONTAINER: 'web1',
      TCPSCOPE_ALERT_IMAGE: 'nginx:1.27',
      TCPSCOPE_ALERT_CONTAINER_ID: 'ab'.repeat(32),
      TCPSCOPE_ALERT_COMPOSE_PROJECT: 'shop',
      TCPSCOPE_ALERT_COMPOSE_SERVICE: 'web',
    });
    expect(alertEnv({ ...base, netns: { inode: 5, name: undefined, owner: pod } })).toMatchObject({
      TCPSCOPE_ALERT_POD: 'cart-7d9f',
      TCPSCOPE_ALERT_NAMESPACE: 'shop',
      TCPSCOPE_ALERT_CONTAINER: 'cart,istio-proxy',
    });
    expect(
      Object.keys(alertEnv({ ...base, netns: { inode: 5, name: undefined } })).filter((k) => k.includes('CONTAINER')),
    ).toEqual([]);
  });
  it('Prometheus labels: runtime, container, pod, namespace only when known', () => {
    const snap = (netns: NetnsRef): Snapshot => ({ netns }) as Snapshot;
    expect(netnsLabels(snap({ inode: 5, name: undefined, owner: web1 }))).toEqual({
      netns: '5',
      runtime: 'docker',
      container: 'web1',
    });
    expect(netnsLabels(snap({ inode: 5, name: undefined, owner: pod }))).toEqual({
      netns: '5',
      runtime: 'kubernetes',
      container: 'cart,istio-proxy',
      pod: 'cart-7d9f',
      namespace: 'shop',
    });
    expect(netnsLabels(snap({ inode: 5, name: 'blue' }))).toEqual({ netns: 'blue' });
  });
});

describe('dashboard header', () => {
  it('names the netns by its container as of the latest snapshot', async () => {
    const { headerLines } = await import('../../../src/ui/model/header.js');
    const { History } = await import('../../../src/ui/model/history.js');
    const h = new History();
    const info = {
      host: 'vm',
      kernel: '6.18',
      netns: { inode: 9, name: undefined },
      mode: 'procfs' as const,
      modeReason: undefined,
      intervalMs: 1000,
      bpftraceVersion: undefined,
      port: undefined,
    };
    const text = (lines: ReturnType<typeof headerLines>): string =>
      lines.map((l) => l.map((s) => s.text).join('')).join('\n');
    expect(text(headerLines(info, h, { paused: false, pending: 0 } as never, 200))).toContain('netns 9');
    const { snapshot } = await import('../ui/fixtures.js');
    h.push(snapshot(1, { netns: { inode: 9, name: undefined, owner: web1 } }));
    expect(text(headerLines(info, h, { paused: false, pending: 0 } as never, 200))).toContain(
      'web1 (docker, nginx:1.27)',
    );
  });
});
