// TCP state numbers are kernel ABI (include/net/tcp_states.h): stable across versions, unlike drop/reset reasons.

export const TCP_STATES = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'BOUND_INACTIVE',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/** State name for a kernel state number (1-based), `UNKNOWN_<n>` when out of range. */
export function stateName(n: number): TcpState | `UNKNOWN_${number}` {
  return TCP_STATES[n - 1] ?? `UNKNOWN_${n}`;
}

export function stateNumber(name: string): number | undefined {
  const i = (TCP_STATES as readonly string[]).indexOf(name.replace(/^TCP_/, ''));
  return i === -1 ? undefined : i + 1;
}
