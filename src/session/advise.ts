// Advice is a replay (or a live session) into the advise sink: recordings or a session folded per netns, then planned.
import { lastValueFrom, tap } from 'rxjs';
import { buildPlan, ProfileSet, type AdviceReport } from '../advise/index.js';
import type { Session } from '../model/session.js';
import { replaySession } from './replay.js';

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
  return {
    sources: ['live'],
    host: session.info.host,
    kernel: session.info.kernel,
    plans: set.build().map(buildPlan),
    warnings: [],
  };
}
