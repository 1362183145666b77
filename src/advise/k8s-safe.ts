// The kubelet's safe-sysctl list as advise renders it: derived from the one table in diagnose/persist-advice.ts
// (kubernetes pkg/kubelet/sysctl/safe_sysctls.go, with the version that added each), so the two never disagree.
import { KUBELET_SAFE_SYSCTLS } from '../diagnose/persist-advice.js';

/** Pods may set these without node changes; every other sysctl needs `--allowed-unsafe-sysctls` on the kubelet. */
export const K8S_SAFE_SYSCTLS: ReadonlySet<string> = new Set(Object.keys(KUBELET_SAFE_SYSCTLS));

/** Added in Kubernetes 1.27 or later (reserved ports, keepalive, fin_timeout, rmem/wmem): check the kubelet version. */
export const K8S_LATER_SAFE: ReadonlySet<string> = new Set(
  Object.entries(KUBELET_SAFE_SYSCTLS)
    .filter(([, v]) => Number(v.since.split('.')[1]) >= 27)
    .map(([name]) => name),
);
