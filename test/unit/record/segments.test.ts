// Issue 13 item 17: a concatenated recording's segments each keep their own netns, in the session info (the
// dashboard header) and in alert events (a rule firing in one segment is never "resolved" by the next one).
import { describe, expect, it } from 'vitest';
import { demoRecordingPath } from '../../../src/record/demo.js';
import { replaySession } from '../../../src/session/replay.js';
import { createAlertEngine } from '../../../src/alert/engine.js';
import { parseAlertFlag } from '../../../src/alert/rule.js';
import type { AlertEvent } from '../../../src/alert/event.js';

describe('segments of the bundled demo (three concatenated recordings)', () => {
  it('the header info and the alert events follow the segment being replayed', async () => {
    const session = await replaySession(demoRecordingPath(), { speed: 'max' });
    const engine = createAlertEngine([parseAlertFlag('overflow: finding(accept-queue-overflow)')]);
    const headerNames: string[] = [];
    const events: { e: AlertEvent; snapNetns: string | undefined }[] = [];
    for await (const batch of session.batches()) {
      for (const snap of batch) {
        for (const e of engine.evaluate(snap)) events.push({ e, snapNetns: snap.netns.name });
        // the info the dashboard draws from, at the time this snapshot is shown
        expect(session.info.netns.name).toBe(snap.netns.name);
      }
      headerNames.push(session.info.netns.name ?? '');
    }
    await session.stop();
    expect(new Set(headerNames).size).toBe(3);
    expect(events.length).toBeGreaterThan(0);
    for (const { e, snapNetns } of events) expect(e.netns.name).toBe(snapNetns);
    const firing = events.filter(({ e }) => e.state === 'firing').map(({ e }) => e.netns.name);
    const resolved = events.filter(({ e }) => e.state === 'resolved').map(({ e }) => e.netns.name);
    // resolved only where it fired, never in another segment's netns
    for (const name of resolved) expect(firing).toContain(name);
  });
});
