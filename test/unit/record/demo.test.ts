import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { demoRecordingPath } from '../../../src/record/demo.js';
import { replaySession } from '../../../src/session/replay.js';
import { buildReport } from '../../../src/session/report.js';
import { renderMarkdown } from '../../../src/record/report-render.js';

describe('the bundled demo recording (real lab capture)', () => {
  it('is small, replays cleanly and yields the three incidents it was recorded for', async () => {
    const session = await replaySession(demoRecordingPath(), { speed: 'max' });
    const snaps = await lastValueFrom(session.snapshots$.pipe(toArray()));
    expect(session.stats).toMatchObject({ skipped: 0, truncated: undefined, segments: 3, endReason: 'stopped' });
    expect(session.header.description.info.mode).toBe('ebpf');
    const ids = new Set(snaps.flatMap((s) => s.findings.map((f) => f.id)));
    for (const id of ['accept-queue-overflow', 'syn-flood', 'close-wait-leak']) expect(ids).toContain(id);
    expect(snaps.reduce((t, s) => t + (s.counters.TcpExtListenOverflows ?? 0), 0)).toBeGreaterThan(0);
    expect(snaps.some((s) => s.events.synackRetrans > 0)).toBe(true);
  });

  it('reports the incident with the finding at its worst', async () => {
    const r = await buildReport(demoRecordingPath());
    const overflow = r.findings.find((f) => f.id === 'accept-queue-overflow');
    expect(overflow?.severity).toBe('critical');
    expect(Number(overflow?.evidence.listenOverflows)).toBeGreaterThan(0);
    expect(r.recording.segments).toBe(3);
    expect(renderMarkdown(r)).toContain('and 2 more concatenated recording(s)');
  });
});
