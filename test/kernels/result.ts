// The one line test/kernels/guest.ts prints inside a kernel of the matrix, read by matrix.test.ts on the host.
import type { Observed } from '../integration/scenario-cases.js';

export const GUEST_RESULT_MARKER = '@@tcpscope-kernel-result';

export interface StepResult {
  name: string;
  ms: number;
  /** Set when the step threw (the host test fails on it). */
  error: string | undefined;
}

export interface GuestResult {
  /** uname -r inside the guest. */
  kernel: string;
  doctor: { exitCode: number; json: unknown } | undefined;
  tracefs:
    | {
        /** Format file text per tracepoint id ('' when the kernel has no such tracepoint). */
        formats: Record<string, string>;
        chosen: { feature: string; file: string }[];
        unavailable: { feature: string; missing: string[] }[];
      }
    | undefined;
  scenarios: { title: string; observed: Observed }[];
  replay: { exitCode: number; snapshots: number; findings: string[] } | undefined;
  steps: StepResult[];
}

/** The last (most complete) result line in a run's stdout, or undefined. */
export function parseGuestResult(stdout: string): GuestResult | undefined {
  const line = stdout
    .split('\n')
    .filter((l) => l.startsWith(`${GUEST_RESULT_MARKER} `))
    .at(-1);
  return line ? (JSON.parse(line.slice(GUEST_RESULT_MARKER.length + 1)) as GuestResult) : undefined;
}
