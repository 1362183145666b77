// What `tcpscope advise` prints: the plans of every netns measured, with where the measurements came from.
import type { Plan } from './plan.js';

export interface AdviceReport {
  /** Where the measurements come from: recording paths, or "live". */
  sources: string[];
  host: string;
  kernel: string;
  plans: Plan[];
  /** Problems with the input (skipped lines, cut files), one line each. */
  warnings: string[];
}
