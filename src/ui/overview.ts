// The whole-host overview: one row per netns from each HostSnapshot; enter opens the single-netns dashboard for the
// selected one, fed from the same session's sections (no second tracer), esc comes back; / filters by name.
import type { Widgets } from 'blessed';
import type { NetnsRef } from '../model/host-sample.js';
import type { HostSnapshot } from '../model/host-snapshot.js';
import type { SessionInfo } from '../model/session.js';
import { createDashboard, noColorRequested, type Dashboard } from './dashboard.js';
import { Dialogs } from './dialogs.js';
import { FrameScheduler } from './frame-scheduler.js';
import { OVERVIEW_KEYMAP, type OverviewAction } from './keymap.js';
import type { AlertNotice } from './model/findings.js';
import { overviewHelpLines } from './model/help.js';
import { linesToTagged } from './model/markup.js';
import { netnsName } from './model/netns-name.js';
import { filterSections, overviewHeader, overviewTable, type OverviewUi } from './model/overview.js';
import { buildOverview } from './widgets/overview.js';
import { theme } from './widgets/style.js';

/** An alert with the netns it was evaluated in (AlertEvent is accepted as is). */
export type NetnsAlert = AlertNotice & { netns?: NetnsRef };

export interface OverviewHandlers {
  quit(reason: 'key' | 'ctrl-c'): void;
  toggleRecording?(): void;
  saveRing?(): void;
}

export interface OverviewOptions {
  screen: Widgets.Screen;
  /** The whole-host session's info (its netns is the host's). */
  info: SessionInfo;
  handlers: OverviewHandlers;
  color?: boolean;
  minFrameMs?: number;
  /** Host snapshots kept so an opened dashboard starts with some history (default 30). */
  keep?: number;
}

export interface Overview {
  update(h: HostSnapshot): void;
  pushAlert(a: NetnsAlert): void;
  setRecording(path: string | undefined): void;
  setMessage(text: string | undefined): void;
  setEnded(reason: string | undefined): void;
  /** The inode of the netns whose dashboard is open, undefined on the overview. */
  readonly opened: number | undefined;
  readonly frames: number;
  flush(): void;
  destroy(): void;
}

const KEEP_ALERTS = 100;

export function createOverview(opts: OverviewOptions): Overview {
  const { screen, handlers, info } = opts;
  const color = opts.color ?? !noColorRequested();
  const t = theme(color);
  const keep = opts.keep ?? 30;
  const widgets = buildOverview(screen, t);
  const ui: OverviewUi = {
    paused: false,
    recording: undefined,
    ended: undefined,
    message: undefined,
    filter: '',
    alert: undefined,
  };
  const recent: HostSnapshot[] = [];
  const alerts: NetnsAlert[] = [];
  let shown: HostSnapshot | undefined;
  let selected = 0;
  let selectedInode: number | undefined;
  let drill: { inode: number; dashboard: Dashboard; missing: boolean } | undefined;
  let destroyed = false;

  const rows = () => filterSections(shown?.namespaces ?? [], ui.filter);

  const draw = (): void => {
    if (drill) return;
    const width = typeof screen.width === 'number' ? screen.width : 80;
    widgets.header.setContent(linesToTagged(overviewHeader(info, shown, ui, width), color));
    const list = rows();
    // The selection follows its netns when the ranking reorders the rows.
    const at = selectedInode === undefined ? -1 : list.findIndex((s) => s.netns.inode === selectedInode);
    selected = Math.max(0, Math.min(at >= 0 ? at : selected, list.length - 1));
    selectedInode = list[selected]?.netns.inode;
    const size = widgets.tableSize();
    widgets.table.setContent(linesToTagged(overviewTable(list, selected, size.width, size.height).lines, color));
    screen.render();
  };
  const frames = new FrameScheduler(draw, opts.minFrameMs ?? 250);
  const schedule = (): void => frames.schedule();
  const dialogs = new Dialogs(screen, t, schedule);

  const close = (): void => {
    if (!drill) return;
    drill.dashboard.destroy();
    drill = undefined;
    widgets.show();
    frames.frame();
  };

  const open = (): void => {
    const sec = rows()[selected];
    if (!sec) return;
    if (sec.status === 'gone' || sec.status === 'unreadable') {
      ui.message = `${netnsName(sec.netns)} is ${sec.status}: nothing to open`;
      return schedule();
    }
    widgets.hide();
    const dashboard = createDashboard({
      screen,
      info: { ...info, netns: sec.netns, wholeHost: false },
      color,
      ...(opts.minFrameMs !== undefined ? { minFrameMs: opts.minFrameMs } : {}),
      handlers: {
        quit: (reason) => handlers.quit(reason),
        back: () => close(),
        ...(handlers.toggleRecording ? { toggleRecording: () => handlers.toggleRecording?.() } : {}),
        ...(handlers.saveRing ? { saveRing: () => handlers.saveRing?.() } : {}),
      },
    });
    drill = { inode: sec.netns.inode, dashboard, missing: false };
    for (const h of recent) {
      const s = h.namespaces.find((x) => x.netns.inode === sec.netns.inode)?.snapshot;
      if (s) dashboard.update(s);
    }
    for (const a of alerts) if (a.netns?.inode === sec.netns.inode) dashboard.pushAlert(a);
    dashboard.setRecording(ui.recording);
    if (ui.ended) dashboard.setEnded(ui.ended);
  };

  const promptFilter = (): void =>
    dialogs.prompt(
      'Filter namespaces by name',
      ui.filter,
      (value) => {
        if (value === null) return;
        ui.filter = value.trim();
        selectedInode = undefined;
        selected = 0;
      },
      'part of a name; empty for all; enter / esc',
    );

  const act = (action: OverviewAction): void => {
    switch (action) {
      case 'quit':
        return handlers.quit('key');
      case 'pause':
        ui.paused = !ui.paused;
        if (!ui.paused) shown = recent.at(-1);
        return schedule();
      case 'up':
      case 'down':
        selected = Math.max(0, selected + (action === 'up' ? -1 : 1));
        selectedInode = undefined;
        return schedule();
      case 'open':
        return open();
      case 'filter':
        return promptFilter();
      case 'clear':
        ui.filter = '';
        return schedule();
      case 'record':
        if (handlers.toggleRecording) handlers.toggleRecording();
        else ui.message = 'recording is not available here';
        return schedule();
      case 'save-ring':
        if (handlers.saveRing) handlers.saveRing();
        else ui.message = 'no flight recorder: start with --on-alert DIR --alert …';
        return schedule();
      case 'help':
        return dialogs.text('Help: whole-host overview', overviewHelpLines());
    }
  };

  const onKey = (_ch: string | undefined, key: Widgets.Events.IKeyEventArg): void => {
    if (destroyed || drill) return; // the open dashboard handles its own keys (esc calls back())
    if (key.full === 'C-c') return handlers.quit('ctrl-c');
    if (key.full === 'return') return;
    if (dialogs.open) return dialogs.key(key.full);
    if (ui.message) ui.message = undefined;
    const action = OVERVIEW_KEYMAP[key.full];
    if (action) act(action);
  };
  const onResize = (): void => schedule();
  screen.on('keypress', onKey);
  screen.on('resize', onResize);
  schedule();

  return {
    update(h) {
      if (destroyed) return;
      recent.push(h);
      if (recent.length > keep) recent.shift();
      if (!ui.paused) shown = h;
      if (drill) {
        const sec = h.namespaces.find((s) => s.netns.inode === drill?.inode);
        if (sec?.snapshot) {
          if (drill.missing) drill.dashboard.setMessage(undefined);
          drill.missing = false;
          drill.dashboard.update(sec.snapshot);
        } else if (sec?.status === 'gone') drill.dashboard.setEnded('this netns is gone — esc for the overview');
        else if (!sec && !drill.missing) {
          // Out of the view (no TCP socket and no event this interval): it comes back with its next socket.
          drill.missing = true;
          drill.dashboard.setMessage('no TCP sockets or events in this netns now');
        }
      }
      schedule();
    },
    pushAlert(a) {
      alerts.push(a);
      if (alerts.length > KEEP_ALERTS) alerts.shift();
      const line = `ALERT ${a.name}${a.netns ? ` [${netnsName(a.netns)}]` : ''}`;
      if (a.state !== 'resolved') ui.alert = `${line}: ${a.message}`;
      else if (ui.alert?.startsWith(`${line}:`)) ui.alert = undefined;
      if (drill && a.netns?.inode === drill.inode) drill.dashboard.pushAlert(a);
      schedule();
    },
    setRecording(path) {
      ui.recording = path;
      drill?.dashboard.setRecording(path);
      schedule();
    },
    setMessage(text) {
      ui.message = text;
      drill?.dashboard.setMessage(text);
      schedule();
    },
    setEnded(reason) {
      ui.ended = reason;
      drill?.dashboard.setEnded(reason);
      schedule();
    },
    get opened() {
      return drill?.inode;
    },
    get frames() {
      return frames.frames + (drill?.dashboard.frames ?? 0);
    },
    flush() {
      if (drill) drill.dashboard.flush();
      else frames.flush();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      frames.dispose();
      screen.removeListener('keypress', onKey);
      screen.removeListener('resize', onResize);
      drill?.dashboard.destroy();
      dialogs.destroy();
      widgets.destroy();
    },
  };
}
