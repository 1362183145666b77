// The environment variables an --exec command receives, documented in docs/alerts.md.
import type { AlertEvent } from '../event.js';

export function alertEnv(e: AlertEvent): Record<string, string> {
  const env: Record<string, string> = {
    TCPSCOPE_ALERT_NAME: e.name,
    TCPSCOPE_ALERT_STATE: e.state,
    TCPSCOPE_ALERT_VALUE: String(e.value),
    TCPSCOPE_ALERT_EXPR: e.expr,
    TCPSCOPE_ALERT_SEVERITY: e.severity,
    TCPSCOPE_ALERT_TIME: String(e.time),
    TCPSCOPE_ALERT_MESSAGE: e.message,
    TCPSCOPE_NETNS: e.netns.name ?? String(e.netns.inode),
    TCPSCOPE_NETNS_INODE: String(e.netns.inode),
    /** The netns the alert fired in (whole-host mode evaluates every netns): its name, else its inode. */
    TCPSCOPE_ALERT_NETNS: e.netns.name ?? String(e.netns.inode),
  };
  if (e.threshold !== undefined) env.TCPSCOPE_ALERT_THRESHOLD = String(e.threshold);
  // What runs in the netns as it was at that snapshot (absent when unknown): container, image, pod, service.
  const o = e.netns.owner;
  if (o) {
    env.TCPSCOPE_ALERT_RUNTIME = o.runtime;
    env.TCPSCOPE_ALERT_OWNER = o.name;
    if (o.runtime === 'docker' || o.runtime === 'podman') env.TCPSCOPE_ALERT_CONTAINER = o.name;
    else if (o.containers?.length) env.TCPSCOPE_ALERT_CONTAINER = o.containers.join(',');
    if (o.id) env.TCPSCOPE_ALERT_CONTAINER_ID = o.id;
    if (o.image) env.TCPSCOPE_ALERT_IMAGE = o.image;
    if (o.pod) {
      env.TCPSCOPE_ALERT_POD = o.pod.name;
      env.TCPSCOPE_ALERT_NAMESPACE = o.pod.namespace;
    }
    if (o.compose) {
      env.TCPSCOPE_ALERT_COMPOSE_PROJECT = o.compose.project;
      env.TCPSCOPE_ALERT_COMPOSE_SERVICE = o.compose.service;
    }
    if (o.unit) env.TCPSCOPE_ALERT_UNIT = o.unit;
  }
  return env;
}
