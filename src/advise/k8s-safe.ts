// The kubelet's safe-sysctl list (kubernetes pkg/kubelet/sysctl/safe_sysctls.go): pods may set these without
// node changes; every other sysctl needs `--allowed-unsafe-sysctls` on the kubelet, else the pod is rejected
// (SysctlForbidden). The keepalive and tcp_fin_timeout entries (and tcp_rmem/wmem) came later than the first four,
// so older kubelets treat them as unsafe.
export const K8S_SAFE_SYSCTLS: ReadonlySet<string> = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

/** Added to the list after the first release of pod sysctls: check the kubelet version. */
export const K8S_LATER_SAFE: ReadonlySet<string> = new Set([
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
