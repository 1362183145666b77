// Issue 13 item 18 at 80×24, drawn: long listener addresses keep their port, `r` stop names the file, the header
// of a finished skip no longer says "skipping…", and `top --help` names every dashboard key.
import { Command } from 'commander';
import { Subject } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { registerTop } from '../../../src/cli/commands/top.js';
import type { ReplayControl, ReplayState, Session } from '../../../src/model/session.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { createDashboard, type Dashboard } from '../../../src/ui/dashboard.js';
import { KEYMAP, REPLAY_KEYMAP } from '../../../src/ui/keymap.js';
import { runDashboard } from '../../../src/ui/run.js';
import { headlessScreen, tick, type Headless } from './headless.js';
import { overflowSequence, sessionInfo } from './fixtures.js';

let open: { h: Headless; d?: Dashboard }[] = [];
afterEach(() => {
  for (const { h, d } of open) {
    d?.destroy();
    h.destroy();
  }
  open = [];
});

const listener = (family: 4 | 6, addr: string, port: number, inode: number) => ({
  family,
  addr,
  port,
  queue: 0,
  capacity: 4096,
  inode,
  pid: 100 + inode,
  comm: 'srv',
  atCapacity: false,
});

describe('80×24 (issue 13 item 18)', () => {
  it('long listener addresses lose characters of the address, never the port', () => {
    const h = headlessScreen(80, 24);
    const d = createDashboard({ screen: h.screen, info: sessionInfo(), handlers: { quit: () => undefined } });
    open.push({ h, d });
    for (const s of overflowSequence(2, 0)) {
      s.census.listeners = [
        listener(4, '198.19.200.1', 80, 11),
        listener(6, '2001:db8:7c:aaaa:bbbb:cccc:dddd:1', 443, 12),
      ];
      d.update(s);
    }
    d.flush();
    const rows = h
      .text()
      .split('\n')
      .filter((l) => /198\.19|\[2001/.test(l));
    expect(rows).toHaveLength(2);
    // The queue panel's right half: the endpoint column ends with the whole port, then the queue.
    expect(rows.join('\n')).toMatch(/│198\.19[.\d]*…?:80 +0\/4096/);
    expect(rows.join('\n')).toMatch(/│\[2001[:\w]*…:443 +0\/4096/);
  });

  it('r starts recording, a second r stops it and the header names the file written', async () => {
    const snaps = new Subject<Snapshot>();
    const session: Session = {
      info: sessionInfo(),
      snapshots$: snaps.asObservable(),
      stop: async () => snaps.complete(),
    };
    const h = headlessScreen(80, 24);
    open.push({ h });
    let on = false;
    const done = runDashboard(session, {
      screen: h.screen,
      toggleRecording: async () => {
        on = !on;
        return on ? '/tmp/tcpscope-20261127-065031.ndjson' : undefined;
      },
    });
    snaps.next(overflowSequence(1, 0)[0]!);
    h.type('r');
    await tick(300);
    expect(h.text().split('\n')[0]).toContain('● REC /tmp/tcpscope-20261127-065031.ndjson');
    h.type('r');
    await tick(300);
    const [l1, l2] = h.text().split('\n');
    expect(l1).not.toContain('REC');
    expect(l2).toContain('recording stopped: /tmp/tcpscope-20261127-065031.ndjson');
    expect(l2).toMatch(/lost 0│suppressed 0/);
    h.type('q');
    expect(await done).toBe(0);
    open = []; // runDashboard destroyed the screen
  });

  it('a replay whose skip ran past the end shows where it ended, not "skipping…"', () => {
    const st: ReplayState = { paused: false, speed: 1, elapsedMs: 0, seeking: true };
    const replay: ReplayControl = {
      state: () => ({ ...st }),
      pause: () => undefined,
      resume: () => undefined,
      step: () => undefined,
      setSpeed: () => undefined,
      skip: () => undefined,
    };
    const h = headlessScreen(80, 24);
    const d = createDashboard({
      screen: h.screen,
      info: sessionInfo({ mode: 'replay' }),
      handlers: { quit: () => undefined, replay },
    });
    open.push({ h, d });
    d.update(overflowSequence(1, 0)[0]!);
    d.flush();
    expect(h.text().split('\n')[1]).toContain('skipping…');
    // What the replay session reports once the recording has ended during a skip (test/unit/session/replay-control).
    st.seeking = false;
    st.elapsedMs = 25_000;
    d.setEnded('end of recording');
    d.flush();
    const l2 = h.text().split('\n')[1]!;
    expect(l2).toContain('ended: end of recording');
    expect(l2).not.toContain('skipping');
  });

  it('top --help names every dashboard key', () => {
    let out = '';
    const program = new Command().exitOverride().configureOutput({ writeOut: (s) => (out += s) });
    registerTop(program);
    expect(() => program.parse(['top', '--help'], { from: 'user' })).toThrow();
    const keys = out.slice(out.indexOf('Keys ('), out.indexOf('Examples:'));
    const named: Record<string, string> = { tab: 'tab', 'S-tab': 'tab', up: '↑↓', k: '↑↓', down: '↑↓', j: '↑↓' };
    named['S-r'] = 'R';
    named.escape = 'esc';
    for (const key of Object.keys(KEYMAP))
      expect(keys, key).toMatch(new RegExp(`(^|[ :])${escape(named[key] ?? key)} `));
    expect(Object.keys(REPLAY_KEYMAP).length).toBeGreaterThan(0); // replay keys: replay --help and the ? screen
  });
});

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
