// Runs recordings (or a live session) through the normal pipeline, folds the snapshots per netns and plans each.
import { lastValueFrom, tap } from 'rxjs';
import type { Session } from '../pipeline/session-types.js';
import { replaySession } from '../record/replay.js';
import { buildPlan, type Plan } from './plan.js';
import { ProfileSet } from './profile.js';

export interface AdviceReport {
  /** Where the measurements come from: recording paths, or "live". */
  sources: string[];
  host: string;
  kernel: string;
  plans: Plan[];
  /** Problems with the input (skipped lines, cut files), one line each. */
  warnings: string[];
}

async function fold(session: Session, set: ProfileSet): Promise<void> {
  await lastValueFrom(session.snapshots$.pipe(tap((s) => set.add(s))), { defaultValue: undefined });
}

/** One or more recordings (of the same or different netns), replayed at max speed. */
export async function adviseRecordings(paths: readonly string[]): Promise<AdviceReport> {
  const set = new ProfileSet();
  const warnings: string[] = [];
  let host = '';
  let kernel = '';
  for (const path of paths) {
    const session = await replaySession(path, { speed: 'max' });
    host ||= session.info.host;
    kernel ||= session.info.kernel;
    await fold(session, set);
    if (session.stats.skipped > 0) warnings.push(`${path}: ${session.stats.skipped} corrupt line(s) skipped`);
    if (session.stats.truncated) warnings.push(`${path}: ${session.stats.truncated}`);
  }
  return { sources: [...paths], host, kernel, plans: set.build().map(buildPlan), warnings };
}

/** A live session (already started by the caller, who owns stopping it). */
export async function adviseSession(session: Session): Promise<AdviceReport> {
  const set = new ProfileSet();
  await fold(session, set);
  return { sources: ['live'], host: session.info.host, kernel: session.info.kernel, plans: set.build().map(buildPlan), warnings: [] };
}
