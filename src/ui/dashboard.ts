// The dashboard: feeds snapshots into the view models and draws them, at most ~4 frames/s, never blocking the data.
import type { Widgets } from 'blessed';
import type { Snapshot } from '../model/snapshot.js';
import { chartSeries } from './model/chart.js';
import { FindingLog, entryDetail, findingLines } from './model/findings.js';
import { headerLines, type HeaderState } from './model/header.js';
import { helpLines } from './model/help.js';
import { DEFAULT_HISTORY, History } from './model/history.js';
import { layoutKind, PANEL_TITLES, type PanelId } from './model/layout.js';
import { fitLine, linesToTagged, toTagged, type Line } from './model/markup.js';
import { matrixLines } from './model/matrix.js';
import { parsePortInput } from './model/port-input.js';
import { queueLines } from './model/queues.js';
import { latencyLines } from './model/latency.js';
import { ratesLines, type PanelSize } from './model/rates-view.js';
import { statesLines } from './model/states.js';
import { sysctlLines } from './model/sysctls.js';
import { buildPanels, type PanelSet } from './widgets/panels.js';
import { theme, type Theme } from './widgets/style.js';
import { Dialogs } from './dialogs.js';
import { FrameScheduler } from './frame-scheduler.js';
import type { Dashboard, DashboardOptions } from './dashboard-api.js';
import { KEYMAP, REPLAY_KEYMAP, applyReplayAction, type DashboardAction } from './keymap.js';

export type { Dashboard, DashboardHandlers, DashboardOptions, NetnsChoice } from './dashboard-api.js';

export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

const numeric = (v: number | string): number => (typeof v === 'number' ? v : 0);

export function createDashboard(opts: DashboardOptions): Dashboard {
  const { screen, handlers } = opts;
  const t: Theme = theme(opts.color ?? !noColorRequested());
  const historySize = opts.historySize ?? DEFAULT_HISTORY;
  let info = opts.info;
  let history = new History(historySize);
  let log = new FindingLog();
  const buffered: Snapshot[] = [];
  const ui: HeaderState = { paused: false, pending: 0, recording: undefined, ended: undefined, message: undefined };
  let panels: PanelSet = buildPanels(screen, layoutKind(numeric(screen.width), numeric(screen.height)), t);
  let focus: PanelId = 'findings';
  let selected = 0;
  let destroyed = false;

  const ingest = (s: Snapshot): void => {
    history.push(s);
    log.observe(s);
  };

  const inner = (box: Widgets.BoxElement): PanelSize => ({
    width: Math.max(0, numeric(box.width) - 2),
    height: Math.max(0, numeric(box.height) - 2),
  });

  const panelLines = (id: PanelId, size: PanelSize): Line[] => {
    switch (id) {
      case 'rates':
        return ratesLines(history, size);
      case 'matrix':
        return matrixLines(history.latest, size);
      case 'queues':
        return queueLines(history, size, info.port);
      case 'latency':
        return latencyLines(history.latest, size);
      case 'states':
        return statesLines(history, size);
      case 'sysctls':
        return sysctlLines(history, size);
      case 'findings': {
        const entries = log.list();
        selected = Math.max(0, Math.min(selected, entries.length - 1));
        return findingLines(entries, selected, size);
      }
      case 'chart':
        return [];
    }
  };

  const draw = (): void => {
    ui.replay = handlers.replay?.state();
    panels.header.setContent(
      headerLines(info, history, ui, numeric(screen.width))
        .map((l) => toTagged(l, t.color))
        .join('\n'),
    );
    for (const [id, box] of panels.boxes) {
      const mark = id === focus ? '▶ ' : '';
      box.setLabel(` ${mark}${PANEL_TITLES[id]} `);
      const size = inner(box);
      if (!panels.order.includes('latency')) size.compact = true; // the Rates panel then adds the p99 connect line
      box.setContent(
        linesToTagged(
          panelLines(id, size).map((l) => fitLine(l, size.width)),
          t.color,
        ),
      );
    }
    if (panels.chart) {
      const series = chartSeries(history, Math.max(2, Math.min(120, numeric(panels.chart.width) - 12)));
      if (series.length > 0) {
        const max = Math.max(...series.flatMap((s) => s.y));
        panels.chart.options.maxY = Math.max(1, max * 1.2);
        panels.chart.setData(series.map((s) => ({ title: s.title, x: s.x, y: s.y, style: { line: s.color } })));
      }
    }
    screen.render();
  };

  const frames = new FrameScheduler(draw, opts.minFrameMs ?? 250);
  const schedule = (): void => frames.schedule();
  const dialogs = new Dialogs(screen, t, schedule);

  const rebuild = (): void => {
    panels.destroy();
    panels = buildPanels(screen, layoutKind(numeric(screen.width), numeric(screen.height)), t);
    if (!panels.order.includes(focus)) focus = 'findings';
    dialogs.toFront();
    frames.frame();
  };

  const zoomSize = (): PanelSize => ({ width: Math.floor(numeric(screen.width) * 0.9) - 4, height: 400 });

  const openSelected = (): void => {
    if (focus === 'findings') {
      const e = log.list()[selected];
      if (e) dialogs.text(`${e.kind === 'alert' ? 'Alert' : 'Finding'} ${e.id}`, entryDetail(e));
      return;
    }
    dialogs.text(PANEL_TITLES[focus], panelLines(focus, zoomSize()));
  };

  const promptPort = (): void => {
    if (!handlers.setPort) return api.setMessage('port filter is not available here');
    dialogs.prompt('Filter by port', info.port === undefined ? '' : String(info.port), (value) => {
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
    const i = panels.order.indexOf(focus);
    focus = panels.order[(i + step + panels.order.length) % panels.order.length] ?? 'findings';
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
        selected = Math.max(0, selected - 1);
        return schedule();
      case 'down':
        selected += 1;
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
        return dialogs.text(PANEL_TITLES.sysctls, sysctlLines(history, zoomSize()));
      case 'matrix':
        return dialogs.text(PANEL_TITLES.matrix, matrixLines(history.latest, { width: zoomSize().width, height: 40 }));
      case 'latency':
        return dialogs.text(PANEL_TITLES.latency, latencyLines(history.latest, zoomSize()));
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
      log.push(a);
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
      info = next;
      history = new History(historySize);
      log = new FindingLog();
      buffered.length = 0;
      ui.pending = 0;
      ui.ended = undefined;
      selected = 0;
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
