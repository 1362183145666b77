// The AlertEvent: what every alert action receives and what `--alert` prints as one NDJSON line.
import type { NetnsRef } from '../model/host-sample.js';
import type { AlertSeverity } from './ast.js';

export interface AlertEvent {
  type: 'alert';
  name: string;
  expr: string;
  state: 'firing' | 'resolved';
  /** Left side of the top-level comparison (1/0 for other conditions); null in JSON when not computable. */
  value: number;
  /** Right side of the top-level comparison in force (the clear threshold while firing), when there is one. */
  threshold?: number;
  /** Snapshot time (ms epoch) of the evaluation that changed the state. */
  time: number;
  netns: NetnsRef;
  severity: AlertSeverity;
  /** One human line. */
  message: string;
}

/** Number formatting for messages: integers as is, others with 3 significant digits. */
export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(3)));
}

export function netnsLabel(n: NetnsRef): string {
  return n.name ?? `netns:${n.inode}`;
}
