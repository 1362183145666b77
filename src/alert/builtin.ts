// Built-in rules (`--alerts builtin`), equivalent to Netdata's tcp_listen.conf and tcp_resets.conf alarms.
import type { AlertRuleSpec } from './rule.js';

/**
 * Netdata computes `average -60s` of an incremental chart = events per second over the last minute, every 10 s.
 * warn `$this > 1`; crit `$this > (($status == $CRITICAL) ? (1) : (5))` is hysteresis (fire above 5, clear at 1);
 * `delay: up U down D` holds a raise for U and a recovery for D ≈ `for U`, `clear after D` here.
 * The reset alarms compare the last 10 s with the minute before it (`average -1m at -10s`), floored at 5/s, and
 * warn when it is 20× (sent) or 10× (received) that baseline, clearing back at 1× ($status >= $WARNING ? 1 : N).
 */
export const BUILTIN_RULES: readonly AlertRuleSpec[] = [
  {
    name: '1m_tcp_accept_queue_overflows',
    severity: 'warning',
    expr: 'rate(TcpExtListenOverflows[1m]) > 1/s clear after 5m',
  },
  {
    name: '1m_tcp_accept_queue_overflows_critical',
    severity: 'critical',
    expr: 'rate(TcpExtListenOverflows[1m]) > 5/s clear 1/s clear after 5m',
  },
  {
    name: '1m_tcp_syn_queue_drops',
    severity: 'warning',
    expr: 'rate(TcpExtTCPReqQFullDrop[1m]) > 1/s for 10s clear after 5m',
  },
  {
    name: '1m_tcp_syn_queue_drops_critical',
    severity: 'critical',
    expr: 'rate(TcpExtTCPReqQFullDrop[1m]) > 5/s clear 0/s for 10s clear after 5m',
  },
  {
    name: '1m_tcp_syn_queue_cookies',
    severity: 'warning',
    expr: 'rate(TcpExtTCPReqQFullDoCookies[1m]) > 1/s for 10s clear after 5m',
  },
  {
    name: '1m_tcp_syn_queue_cookies_critical',
    severity: 'critical',
    expr: 'rate(TcpExtTCPReqQFullDoCookies[1m]) > 5/s clear 0/s for 10s clear after 5m',
  },
  {
    name: '10s_ip_tcp_resets_sent',
    severity: 'warning',
    expr:
      'rate(TcpOutRsts[10s]) > max(5/s, rate(TcpOutRsts[1m] offset 10s)) * 20' +
      ' clear max(5/s, rate(TcpOutRsts[1m] offset 10s)) for 20s clear after 60m',
  },
  {
    name: '10s_ip_tcp_resets_received',
    severity: 'warning',
    expr:
      'rate(TcpAttemptFails[10s]) > max(5/s, rate(TcpAttemptFails[1m] offset 10s)) * 10' +
      ' clear max(5/s, rate(TcpAttemptFails[1m] offset 10s)) for 20s clear after 60m',
  },
];
