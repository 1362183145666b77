// The dashboard: feeds snapshots into the view models and draws them, at most ~4 frames/s, never blocking the data.
import type { Widgets } from 'blessed';
import type { Snapshot } from '../model/snapshot.js';
import { FindingLog, entryDetail } from './model/findings.js';
import { helpLines } from './model/help.js';
import { DEFAULT_HISTORY, History } from './model/history.js';
import { layoutKind, PANEL_TITLES } from './model/layout.js';
import { matrixLines } from './model/matrix.js';
import { parsePortInput } from './model/port-input.js';
import { latencyLines } from './model/latency.js';
import type { PanelSize } from './model/rates-view.js';
import { sysctlLines } from './model/sysctls.js';
import { buildPanels, type PanelSet } from './widgets/panels.js';
import { theme, type Theme } from './widgets/style.js';
import { Dialogs } from './dialogs.js';
import { FrameScheduler } from './frame-scheduler.js';
import type { Dashboard, DashboardOptions } from './dashboard-api.js';
import { drawDashboard, numeric, panelLines, type DashboardViewState } from './dashboard-view.js';
import { KEYMAP, REPLAY_KEYMAP, applyReplayAction, type DashboardAction } from './keymap.js';

export type { Dashboard, DashboardHandlers, DashboardOptions, NetnsChoice } from './dashboard-api.js';

export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

export function createDashboard(opts: DashboardOptions): Dashboard {
  const { screen, handlers } = opts;
  const t: Theme = theme(opts.color ?? !noColorRequested());
  const historySize = opts.historySize ?? DEFAULT_HISTORY;
  const st: DashboardViewState = {
    info: opts.info,
    history: new History(historySize),
    log: new FindingLog(),
    ui: {
      paused: false,
      pending: 0,
      recording: undefined,
      ended: undefined,
      message: undefined,
      back: handlers.back !== undefined,
    },
    focus: 'findings',
    selected: 0,
  };
  const { ui } = st;
  const buffered: Snapshot[] = [];
  let panels: PanelSet = buildPanels(screen, layoutKind(numeric(screen.width), numeric(screen.height)), t);
  let destroyed = false;

  const ingest = (s: Snapshot): void => {
    st.history.push(s);
    st.log.observe(s);
  };

  const draw = (): void => {
    st.ui.replay = handlers.replay?.state();
    drawDashboard(screen, panels, t, st);
  };

  const frames = new FrameScheduler(draw, opts.minFrameMs ?? 250);
  const schedule = (): void => frames.schedule();
  const dialogs = new Dialogs(screen, t, schedule);

  const rebuild = (): void => {
    panels.destroy();
    panels = buildPanels(screen, layoutKind(numeric(screen.width), numeric(screen.height)), t);
    if (!panels.order.includes(st.focus)) st.focus = 'findings';
    dialogs.toFront();
    frames.frame();
  };

  const zoomSize = (): PanelSize => ({ width: Math.floor(numeric(screen.width) * 0.9) - 4, height: 400 });

  const openSelected = (): void => {
    if (st.focus === 'findings') {
      const e = st.log.list()[st.selected];
      if (e) dialogs.text(`${e.kind === 'alert' ? 'Alert' : 'Finding'} ${e.id}`, entryDetail(e));
      return;
    }
    dialogs.text(PANEL_TITLES[st.focus], panelLines(st.focus, zoomSize(), st));
  };

  const promptPort = (): void => {
    if (!handlers.setPort) return api.setMessage('port filter is not available here');
    dialogs.prompt('Filter by port', st.info.port === undefined ? '' : String(st.info.port), (value) => {
      if (value === null) return;
      const parsed = parsePortInput(value);
      if (!parsed.ok) return api.setMessage(parsed.message);
      api.setMessage(parsed.port === undefined ? 'watching all ports…' : `restarting with port ${parsed.port}…`);
      handlers.setPort?.(parsed.port);
    });
  };

  const pickNetns = (): void => {
    if (!handlers.listNetns || !handlers.setNetns) return api.setMessage('netns switching is not available here');
    handlers.listNetns().then(
      (choices) => {
        if (destroyed || dialogs.open) return;
        if (choices.length === 0)
          return api.setMessage('no named network namespaces (ip netns list) and no containers, pods or services');
        const items = choices.map((c) => `${c.label ?? c.name}${c.inode !== undefined ? `  (${c.inode})` : ''}`);
        dialogs.list('Network namespace (↑↓ enter / esc)', items, (i) => {
          const choice = i === null ? undefined : choices[i];
          if (!choice) return;
          api.setMessage(`switching to netns ${choice.name}…`);
          handlers.setNetns?.(choice);
        });
      },
      (err: unknown) => api.setMessage(`cannot list namespaces: ${err instanceof Error ? err.message : String(err)}`),
    );
  };

  const togglePause = (): void => {
    ui.paused = !ui.paused;
    if (!ui.paused) {
      for (const s of buffered.splice(0)) ingest(s);
      ui.pending = 0;
    }
    schedule();
  };

  const moveFocus = (step: number): void => {
    const i = panels.order.indexOf(st.focus);
    st.focus = panels.order[(i + step + panels.order.length) % panels.order.length] ?? 'findings';
    schedule();
  };

  const act = (action: DashboardAction): void => {
    switch (action) {
      case 'quit':
        return handlers.quit('key');
      case 'pause':
        return togglePause();
      case 'focus-next':
        return moveFocus(1);
      case 'focus-prev':
        return moveFocus(-1);
      case 'up':
        st.selected = Math.max(0, st.selected - 1);
        return schedule();
      case 'down':
        st.selected += 1;
        return schedule();
      case 'open':
        return openSelected();
      case 'port':
        return promptPort();
      case 'netns':
        return pickNetns();
      case 'record':
        if (handlers.toggleRecording) handlers.toggleRecording();
        else api.setMessage('recording is not available here');
        return;
      case 'save-ring':
        if (handlers.saveRing) handlers.saveRing();
        else api.setMessage('no flight recorder: start with --on-alert DIR --alert …');
        return;
      case 'help':
        return dialogs.text('Help', helpLines(handlers.replay !== undefined));
      case 'sysctls':
        return dialogs.text(PANEL_TITLES.sysctls, sysctlLines(st.history, zoomSize()));
      case 'matrix':
        return dialogs.text(
          PANEL_TITLES.matrix,
          matrixLines(st.history.latest, { width: zoomSize().width, height: 40 }),
        );
      case 'latency':
        return dialogs.text(PANEL_TITLES.latency, latencyLines(st.history.latest, zoomSize()));
      case 'back':
        return handlers.back?.();
    }
  };

  const onKey = (_ch: string | undefined, key: Widgets.Events.IKeyEventArg): void => {
    if (destroyed) return;
    if (key.full === 'C-c') return handlers.quit('ctrl-c');
    // '\r' arrives as 'enter' then 'return': act on 'enter' only (the 'return' would also clear a fresh message).
    if (key.full === 'return') return;
    if (dialogs.open) return dialogs.key(key.full);
    if (ui.message && key.full !== '/') ui.message = undefined;
    const replayAction = handlers.replay ? REPLAY_KEYMAP[key.full] : undefined;
    if (handlers.replay && replayAction) {
      applyReplayAction(handlers.replay, replayAction);
      return schedule();
    }
    const action = KEYMAP[key.full];
    if (action) act(action);
  };

  const onResize = (): void => rebuild();
  screen.on('keypress', onKey);
  screen.on('resize', onResize);
  schedule();

  const api: Dashboard = {
    update(s) {
      if (destroyed) return;
      if (ui.paused) {
        buffered.push(s);
        if (buffered.length > historySize) buffered.splice(0, buffered.length - historySize);
        ui.pending = buffered.length;
      } else {
        ingest(s);
      }
      schedule();
    },
    pushAlert(a) {
      st.log.push(a);
      schedule();
    },
    setRecording(path) {
      ui.recording = path;
      schedule();
    },
    setFlight(state) {
      ui.flight = state;
      schedule();
    },
    setInfo(next) {
      st.info = next;
      st.history = new History(historySize);
      st.log = new FindingLog();
      buffered.length = 0;
      ui.pending = 0;
      ui.ended = undefined;
      st.selected = 0;
      schedule();
    },
    setMessage(text) {
      ui.message = text;
      schedule();
    },
    setEnded(reason) {
      ui.ended = reason;
      schedule();
    },
    get paused() {
      return ui.paused;
    },
    get frames() {
      return frames.frames;
    },
    flush() {
      frames.flush();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      frames.dispose();
      screen.removeListener('keypress', onKey);
      screen.removeListener('resize', onResize);
      dialogs.destroy();
      panels.destroy();
    },
  };
  return api;
}
