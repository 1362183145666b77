// An incident report is a replay into the report builder: the wiring of a sink (record/report) to a replay session.
import { lastValueFrom, tap } from 'rxjs';
import { ReportBuilder, type IncidentReport } from '../record/report.js';
import { replaySession, type ReplayOptions } from './replay.js';

/** Replays the recording at max speed (optionally a --from/--to window) and builds its report. */
export async function buildReport(
  path: string,
  opts: Pick<ReplayOptions, 'from' | 'to'> = {},
): Promise<IncidentReport> {
  const session = await replaySession(path, { speed: 'max', from: opts.from, to: opts.to });
  const builder = new ReportBuilder();
  await lastValueFrom(session.snapshots$.pipe(tap((s) => builder.add(s))), { defaultValue: undefined });
  return builder.build({
    path,
    stats: session.stats,
    recording: {
      startedAt: session.position().startedAt,
      tcpscopeVersion: session.header.tcpscopeVersion,
      info: session.header.description.info,
      sysctls: session.header.description.sysctls,
    },
  });
}
