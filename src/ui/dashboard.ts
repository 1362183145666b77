// The dashboard: feeds snapshots into the view models and draws them, at most ~4 frames/s, never blocking the data.
import type { Widgets } from 'blessed';
import type { ReplayControl, SessionInfo } from '../model/session.js';
import type { Snapshot } from '../model/snapshot.js';
import { chartSeries } from './model/chart.js';
import { FindingLog, entryDetail, findingLines, type AlertNotice } from './model/findings.js';
import { headerLines, type HeaderState } from './model/header.js';
import { helpLines } from './model/help.js';
import { DEFAULT_HISTORY, History } from './model/history.js';
import { layoutKind, PANEL_TITLES, type PanelId } from './model/layout.js';
import { fitLine, linesToTagged, toTagged, type Line } from './model/markup.js';
import { matrixLines } from './model/matrix.js';
import { parsePortInput } from './model/port-input.js';
import { queueLines } from './model/queues.js';
import { ratesLines, type PanelSize } from './model/rates-view.js';
import { statesLines } from './model/states.js';
import { sysctlLines } from './model/sysctls.js';
import { buildPanels, type PanelSet } from './widgets/panels.js';
import { listPopup, promptPopup, textPopup, type Popup } from './widgets/popups.js';
import { theme, type Theme } from './widgets/style.js';

export interface NetnsChoice {
  name: string;
  /** Shown instead of the name (the host's own netns has none). */
  label?: string;
  inode?: number;
}

/** What the dashboard asks of its owner (runDashboard / the command). */
export interface DashboardHandlers {
  /** `q` (reason 'key') or Ctrl-C (reason 'ctrl-c'; the owner forces exit on the second one). */
  quit(reason: 'key' | 'ctrl-c'): void;
  /** `/`: a validated port, or undefined to watch all ports. */
  setPort?(port: number | undefined): void;
  /** `n`: the namespaces to offer. */
  listNetns?(): Promise<NetnsChoice[]>;
  setNetns?(choice: NetnsChoice): void;
  /** `r`: start or stop recording; the owner calls setRecording() with the outcome. */
  toggleRecording?(): void;
  /** A replay's controls: `p` pauses the replay itself, `.` steps, `+`/`-` speed, `]` skips a minute. */
  replay?: ReplayControl;
}

export interface DashboardOptions {
  screen: Widgets.Screen;
  info: SessionInfo;
  handlers: DashboardHandlers;
  /** Default: colour unless NO_COLOR is set (non-empty). */
  color?: boolean;
  /** Minimum time between frames (default 250 ms: at most 4 frames/s). */
  minFrameMs?: number;
  historySize?: number;
}

export interface Dashboard {
  /** Takes one snapshot (cheap: no drawing here; a frame is scheduled). */
  update(snapshot: Snapshot): void;
  pushAlert(alert: AlertNotice): void;
  setRecording(path: string | undefined): void;
  /** New session (port / netns change): new header info, history starts over. */
  setInfo(info: SessionInfo): void;
  /** A transient line in the header (errors of key actions), undefined to clear. */
  setMessage(text: string | undefined): void;
  /** The snapshot stream ended (duration reached, replay finished). */
  setEnded(reason: string | undefined): void;
  readonly paused: boolean;
  /** Frames drawn so far (self-monitoring, tests). */
  readonly frames: number;
  /** Draws now if anything changed (tests, shutdown). */
  flush(): void;
  destroy(): void;
}

export function noColorRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

const numeric = (v: number | string): number => (typeof v === 'number' ? v : 0);
/** Replay speed bounds for `+` / `-`. */
const MIN_SPEED = 0.25;
const MAX_SPEED = 1024;

export function createDashboard(opts: DashboardOptions): Dashboard {
  const { screen, handlers } = opts;
  const t: Theme = theme(opts.color ?? !noColorRequested());
  const minFrameMs = opts.minFrameMs ?? 250;
  const historySize = opts.historySize ?? DEFAULT_HISTORY;
  let info = opts.info;
  let history = new History(historySize);
  let log = new FindingLog();
  const buffered: Snapshot[] = [];
  const ui: HeaderState = { paused: false, pending: 0, recording: undefined, ended: undefined, message: undefined };
  let panels: PanelSet = buildPanels(screen, layoutKind(numeric(screen.width), numeric(screen.height)), t);
  let focus: PanelId = 'findings';
  let selected = 0;
  let popup: (Popup & { kind: 'text' | 'list' | 'prompt' }) | undefined;
  let dirty = true;
  let timer: NodeJS.Timeout | undefined;
  let lastFrame = 0;
  let frames = 0;
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
    if (destroyed) return;
    timer = undefined;
    dirty = false;
    lastFrame = Date.now();
    frames += 1;
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

  const schedule = (): void => {
    dirty = true;
    if (timer || destroyed) return;
    timer = setTimeout(draw, Math.max(0, lastFrame + minFrameMs - Date.now()));
    timer.unref?.();
  };

  const rebuild = (): void => {
    panels.destroy();
    panels = buildPanels(screen, layoutKind(numeric(screen.width), numeric(screen.height)), t);
    if (!panels.order.includes(focus)) focus = 'findings';
    popup?.element.setFront();
    draw();
  };

  const closePopup = (): void => {
    const p = popup;
    popup = undefined;
    p?.close();
    schedule();
  };

  const showText = (title: string, lines: Line[]): void => {
    popup?.close();
    popup = { ...textPopup(screen, title, lines, t, () => undefined), kind: 'text' };
    screen.render();
  };

  const zoomSize = (): PanelSize => ({ width: Math.floor(numeric(screen.width) * 0.9) - 4, height: 400 });

  const openSelected = (): void => {
    if (focus === 'findings') {
      const e = log.list()[selected];
      if (e) showText(`${e.kind === 'alert' ? 'Alert' : 'Finding'} ${e.id}`, entryDetail(e));
      return;
    }
    showText(PANEL_TITLES[focus], panelLines(focus, zoomSize()));
  };

  const promptPort = (): void => {
    if (!handlers.setPort) return api.setMessage('port filter is not available here');
    popup = {
      ...promptPopup(screen, 'Filter by port', info.port === undefined ? '' : String(info.port), t, (value) => {
        popup = undefined;
        if (value !== null) {
          const parsed = parsePortInput(value);
          if (!parsed.ok) api.setMessage(parsed.message);
          else {
            api.setMessage(parsed.port === undefined ? 'watching all ports…' : `restarting with port ${parsed.port}…`);
            handlers.setPort?.(parsed.port);
          }
        }
        schedule();
      }),
      kind: 'prompt',
    };
    screen.render();
  };

  const pickNetns = (): void => {
    if (!handlers.listNetns || !handlers.setNetns) return api.setMessage('netns switching is not available here');
    handlers.listNetns().then(
      (choices) => {
        if (destroyed || popup) return;
        if (choices.length === 0) return api.setMessage('no named network namespaces (ip netns list)');
        const items = choices.map((c) => `${c.label ?? c.name}${c.inode !== undefined ? `  (${c.inode})` : ''}`);
        popup = {
          ...listPopup(screen, 'Network namespace (↑↓ enter / esc)', items, t, (i) => {
            popup = undefined;
            const choice = i === null ? undefined : choices[i];
            if (choice) {
              api.setMessage(`switching to netns ${choice.name}…`);
              handlers.setNetns?.(choice);
            }
            schedule();
          }),
          kind: 'list',
        };
        screen.render();
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

  /** Replay keys; false when the key is not one of them. */
  const replayKey = (r: ReplayControl, full: string): boolean => {
    const speed = r.state().speed;
    switch (full) {
      case 'p':
      case 'space':
        if (r.state().paused) r.resume();
        else r.pause();
        break;
      case '.':
      case 'right':
        r.step();
        break;
      case '+':
      case '=':
        if (speed !== 'max') r.setSpeed(Math.min(MAX_SPEED, speed * 2));
        break;
      case '-':
        if (speed !== 'max') r.setSpeed(Math.max(MIN_SPEED, speed / 2));
        else r.setSpeed(MAX_SPEED);
        break;
      case ']':
        r.skip(60_000);
        break;
      default:
        return false;
    }
    schedule();
    return true;
  };

  const moveFocus = (step: number): void => {
    const i = panels.order.indexOf(focus);
    focus = panels.order[(i + step + panels.order.length) % panels.order.length] ?? 'findings';
    schedule();
  };

  const onKey = (_ch: string | undefined, key: Widgets.Events.IKeyEventArg): void => {
    if (destroyed) return;
    if (key.full === 'C-c') return handlers.quit('ctrl-c');
    // '\r' arrives as 'enter' then 'return': act on 'enter' only (the 'return' would also clear a fresh message).
    if (key.full === 'return') return;
    if (popup) {
      if (
        popup.kind !== 'prompt' &&
        (key.full === 'escape' || key.full === 'q' || (popup.kind === 'text' && key.full === 'enter'))
      )
        closePopup();
      return;
    }
    if (ui.message && key.full !== '/') ui.message = undefined;
    if (handlers.replay && replayKey(handlers.replay, key.full)) return;
    switch (key.full) {
      case 'q':
        return handlers.quit('key');
      case 'p':
        return togglePause();
      case 'tab':
        return moveFocus(1);
      case 'S-tab':
        return moveFocus(-1);
      case 'up':
      case 'k':
        selected = Math.max(0, selected - 1);
        return schedule();
      case 'down':
      case 'j':
        selected += 1;
        return schedule();
      case 'enter':
        return openSelected();
      case '/':
        return promptPort();
      case 'n':
        return pickNetns();
      case 'r':
        if (handlers.toggleRecording) handlers.toggleRecording();
        else api.setMessage('recording is not available here');
        return;
      case '?':
        return showText('Help', helpLines(handlers.replay !== undefined));
      case 's':
        return showText(PANEL_TITLES.sysctls, sysctlLines(history, zoomSize()));
      case 't':
        return showText(PANEL_TITLES.matrix, matrixLines(history.latest, { width: zoomSize().width, height: 40 }));
      default:
        return undefined;
    }
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
      return frames;
    },
    flush() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (dirty) draw();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (timer) clearTimeout(timer);
      screen.removeListener('keypress', onKey);
      screen.removeListener('resize', onResize);
      popup?.close();
      panels.destroy();
    },
  };
  return api;
}
