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
  return env;
}
