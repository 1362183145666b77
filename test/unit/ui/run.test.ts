// runDashboard's lifecycle with a scripted session: session.stop() before the screen goes, restarts, errors, forcing.
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Session, SessionInfo } from '../../../src/model/session.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { runDashboard } from '../../../src/ui/run.js';
import { headlessScreen, tick } from './headless.js';
import { overflowSequence, sessionInfo } from './fixtures.js';

/** A session whose snapshots the test pushes; stop() is recorded in a shared event log. */
function scriptedSession(events: string[], info: SessionInfo = sessionInfo(), stopMs = 20) {
  const snaps = new Subject<Snapshot>();
  let stops = 0;
  const session: Session = {
    info,
    snapshots$: snaps.asObservable(),
    stop: async () => {
      stops += 1;
      events.push(`stop:${info.port ?? 'all'}`);
      await tick(stopMs);
      snaps.complete();
      events.push(`stopped:${info.port ?? 'all'}`);
    },
  };
  return { session, snaps, stops: () => stops };
}

function screenWithLog(events: string[]) {
  const h = headlessScreen(80, 24);
  const destroy = h.screen.destroy.bind(h.screen);
  h.screen.destroy = () => {
    events.push('screen-destroyed');
    destroy();
  };
  return h;
}

describe('runDashboard', () => {
  it('q stops the session first, then tears the dashboard down, and resolves 0', async () => {
    const events: string[] = [];
    const { session, snaps } = scriptedSession(events);
    const h = screenWithLog(events);
    const done = runDashboard(session, { screen: h.screen, color: false });
    for (const s of overflowSequence(2, 2)) snaps.next(s);
    await tick(300);
    expect(h.text()).toContain('accept-queue-overflow');
    h.type('q');
    expect(await done).toBe(0);
    expect(events).toEqual(['stop:all', 'stopped:all']);
    // The screen passed in belongs to the caller: runDashboard removed its widgets but did not destroy it.
    h.screen.destroy();
    expect(events).toEqual(['stop:all', 'stopped:all', 'screen-destroyed']);
  });

  it('a second Ctrl-C while stopping forces the exit', async () => {
    const events: string[] = [];
    const { session } = scriptedSession(events, sessionInfo(), 5_000);
    const h = screenWithLog(events);
    const forced: number[] = [];
    void runDashboard(session, { screen: h.screen, forceExit: (c) => forced.push(c), stopTimeoutMs: 60_000 });
    h.type('\x03');
    await tick(20);
    expect(events).toEqual(['stop:all']);
    expect(forced).toEqual([]);
    h.type('\x03');
    await tick(20);
    expect(forced).toEqual([130]);
    h.destroy();
  });

  it('a failing snapshot stream rejects with its error after stopping the session', async () => {
    const events: string[] = [];
    const { session, snaps } = scriptedSession(events);
    const h = screenWithLog(events);
    const done = runDashboard(session, { screen: h.screen });
    snaps.error(new Error('bpftrace died'));
    await expect(done).rejects.toThrow('bpftrace died');
    expect(events).toContain('stop:all');
    h.destroy();
  });

  it('exits 0 when the stream ends with exitOnEnd, else shows "ended" and waits for q', async () => {
    const events: string[] = [];
    const a = scriptedSession(events);
    const h = screenWithLog(events);
    const done = runDashboard(a.session, { screen: h.screen, exitOnEnd: true });
    a.snaps.complete();
    expect(await done).toBe(0);

    const b = scriptedSession(events);
    const done2 = runDashboard(b.session, { screen: h.screen });
    b.snaps.complete();
    await tick(300);
    expect(h.text()).toContain('ended: session ended');
    h.type('q');
    expect(await done2).toBe(0);
    h.destroy();
  });

  it('/ restarts with the port filter: the old session is stopped before the new one starts', async () => {
    const events: string[] = [];
    const first = scriptedSession(events);
    const h = screenWithLog(events);
    let second: ReturnType<typeof scriptedSession> | undefined;
    const done = runDashboard(first.session, {
      screen: h.screen,
      restart: async (change) => {
        events.push(`start:${change.port}:${change.netns}`);
        second = scriptedSession(events, sessionInfo({ port: change.port }));
        return second.session;
      },
    });
    h.type('/');
    await tick();
    h.type('8080\r');
    await tick(100);
    expect(events).toEqual(['stop:all', 'stopped:all', 'start:8080:tslab-ab12-s']);
    for (const s of overflowSequence(1, 1)) second!.snaps.next(s);
    await tick(300);
    expect(h.text().split('\n')[0]).toContain('port 8080');
    h.type('q');
    expect(await done).toBe(0);
    expect(events.slice(3)).toEqual(['stop:8080', 'stopped:8080']);
    h.destroy();
  });

  it('r toggles recording through the callback; recording is stopped after the session on quit', async () => {
    const events: string[] = [];
    const { session } = scriptedSession(events);
    const h = screenWithLog(events);
    let on = false;
    const done = runDashboard(session, {
      screen: h.screen,
      toggleRecording: async () => {
        on = !on;
        events.push(on ? 'rec-start' : 'rec-stop');
        return on ? '/tmp/t.ndjson' : undefined;
      },
    });
    h.type('r');
    await tick(300);
    expect(h.text().split('\n')[0]).toContain('● REC /tmp/t.ndjson');
    h.type('q');
    expect(await done).toBe(0);
    expect(events).toEqual(['rec-start', 'stop:all', 'stopped:all', 'rec-stop']);
    h.destroy();
  });
});
