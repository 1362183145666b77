// Whole-host alerts: one engine evaluates every netns's snapshot; a `netns` label selects one netns by name or
// inode, events name their netns, and --exec commands get TCPSCOPE_ALERT_NETNS.
import { describe, expect, it } from 'vitest';
import { alertEnv } from '../../../src/alert/actions/env.js';
import { createAlertEngine } from '../../../src/alert/engine.js';
import { compileRule } from '../../../src/alert/rule.js';
import { snap } from './snapshots.js';

const WEB = { inode: 4026532100, name: 'web1' };
const DB = { inode: 4026532200, name: undefined };

describe('netns label', () => {
  it('fires only in the selected netns, by name or by inode, and names it', () => {
    const byName = compileRule({ name: 'web', expr: 'rate(TcpExtListenOverflows{netns="web1"}) > 1/s' });
    const byInode = compileRule({ name: 'db', expr: `TcpExtListenOverflows{netns="${DB.inode}"} > 0` });
    const any = compileRule({ name: 'any', expr: 'TcpExtListenOverflows > 0' });
    const engine = createAlertEngine([byName, byInode, any]);
    const events = [
      ...engine.evaluate(snap(0, { netns: WEB, counters: { TcpExtListenOverflows: 5 } })),
      ...engine.evaluate(snap(0, { netns: DB, counters: { TcpExtListenOverflows: 5 } })),
    ];
    expect(events.map((e) => `${e.name}@${e.netns.name ?? e.netns.inode}`).sort()).toEqual(
      ['any@web1', 'web@web1', `any@${DB.inode}`, `db@${DB.inode}`].sort(),
    );
    const web = events.find((e) => e.name === 'web')!;
    expect(web.message).toContain('in web1');
    expect(alertEnv(web).TCPSCOPE_ALERT_NETNS).toBe('web1');
    expect(alertEnv(events.find((e) => e.name === 'db')!).TCPSCOPE_ALERT_NETNS).toBe(String(DB.inode));
  });

  it('keeps checking the other labels of the metric', () => {
    expect(() => compileRule({ name: 'x', expr: 'events.drops{netns="web1",bogus="1"} > 0' })).toThrow(
      /unknown label "bogus"/,
    );
    expect(compileRule({ name: 'x', expr: 'events.drops{netns="web1",reason="NO_SOCKET"} > 0' }).expr).toContain(
      'netns',
    );
  });
});
