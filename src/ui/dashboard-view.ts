// Draws one frame of the single-netns dashboard from its state (kept apart from the key handling in dashboard.ts).
import type { Widgets } from 'blessed';
import type { SessionInfo } from '../model/session.js';
import { chartSeries } from './model/chart.js';
import { findingLines, type FindingLog } from './model/findings.js';
import { headerLines, type HeaderState } from './model/header.js';
import type { History } from './model/history.js';
import { latencyLines } from './model/latency.js';
import { PANEL_TITLES, type PanelId } from './model/layout.js';
import { fitLine, linesToTagged, toTagged, type Line } from './model/markup.js';
import { matrixLines } from './model/matrix.js';
import { queueLines } from './model/queues.js';
import { ratesLines, type PanelSize } from './model/rates-view.js';
import { statesLines } from './model/states.js';
import { sysctlLines } from './model/sysctls.js';
import type { PanelSet } from './widgets/panels.js';
import type { Theme } from './widgets/style.js';

/** What a frame reads; `selected` (the finding under the cursor) is clamped in place to the log's length. */
export interface DashboardViewState {
  info: SessionInfo;
  history: History;
  log: FindingLog;
  ui: HeaderState;
  focus: PanelId;
  selected: number;
}

export const numeric = (v: number | string): number => (typeof v === 'number' ? v : 0);

const inner = (box: Widgets.BoxElement): PanelSize => ({
  width: Math.max(0, numeric(box.width) - 2),
  height: Math.max(0, numeric(box.height) - 2),
});

/** The lines of one panel at a size (also used for the zoomed popups). */
export function panelLines(id: PanelId, size: PanelSize, st: DashboardViewState): Line[] {
  const { history } = st;
  switch (id) {
    case 'rates':
      return ratesLines(history, size);
    case 'matrix':
      return matrixLines(history.latest, size);
    case 'queues':
      return queueLines(history, size, st.info.port);
    case 'latency':
      return latencyLines(history.latest, size);
    case 'states':
      return statesLines(history, size);
    case 'sysctls':
      return sysctlLines(history, size);
    case 'findings': {
      const entries = st.log.list();
      st.selected = Math.max(0, Math.min(st.selected, entries.length - 1));
      return findingLines(entries, st.selected, size);
    }
    case 'chart':
      return [];
  }
}

export function drawDashboard(screen: Widgets.Screen, panels: PanelSet, t: Theme, st: DashboardViewState): void {
  panels.header.setContent(
    headerLines(st.info, st.history, st.ui, numeric(screen.width))
      .map((l) => toTagged(l, t.color))
      .join('\n'),
  );
  for (const [id, box] of panels.boxes) {
    const mark = id === st.focus ? '▶ ' : '';
    box.setLabel(` ${mark}${PANEL_TITLES[id]} `);
    const size = inner(box);
    if (!panels.order.includes('latency')) size.compact = true; // the Rates panel then adds the p99 connect line
    box.setContent(
      linesToTagged(
        panelLines(id, size, st).map((l) => fitLine(l, size.width)),
        t.color,
      ),
    );
  }
  if (panels.chart) {
    const series = chartSeries(st.history, Math.max(2, Math.min(120, numeric(panels.chart.width) - 12)));
    if (series.length > 0) {
      const max = Math.max(...series.flatMap((s) => s.y));
      panels.chart.options.maxY = Math.max(1, max * 1.2);
      panels.chart.setData(series.map((s) => ({ title: s.title, x: s.x, y: s.y, style: { line: s.color } })));
    }
  }
  screen.render();
}
