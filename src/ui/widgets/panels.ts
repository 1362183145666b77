// Builds the header and the panel grid (blessed-contrib grid inside a body box) for one layout; rebuilt on resize.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import Grid from 'blessed-contrib/lib/layout/grid.js';
import line from 'blessed-contrib/lib/widget/charts/line.js';
import { layoutCells, PANEL_TITLES, type LayoutKind, type PanelId } from '../model/layout.js';
import type { Theme } from './style.js';

export interface PanelSet {
  kind: LayoutKind;
  header: Widgets.BoxElement;
  /** Text panels by id (the chart is separate). */
  boxes: Map<PanelId, Widgets.BoxElement>;
  chart: ReturnType<typeof line> | undefined;
  /** Panel ids in focus order. */
  order: PanelId[];
  destroy(): void;
}

export const HEADER_HEIGHT = 2;
const LEGEND_WIDTH = 18;

/**
 * blessed-contrib draws the legend box over the right end of the plot, where the newest values are: give the plot
 * a canvas that ends where the legend begins (contrib builds its canvas on 'attach', so build it again).
 */
function keepPlotClearOfLegend(chart: ReturnType<typeof line>): void {
  const base = chart.calcSize.bind(chart);
  chart.calcSize = () => {
    base();
    chart.canvasSize.width = Math.max(16, chart.canvasSize.width - (LEGEND_WIDTH + 1) * 2);
  };
  chart.emit('attach');
}

export function buildPanels(screen: Widgets.Screen, kind: LayoutKind, t: Theme): PanelSet {
  // wrap: false like the panels: blessed wraps a styled line of exactly the box's width at its last space, so a cut
  // header line took the second header line's place and hid lost/suppressed (issue 13 item 18). Lines come fitted.
  const header = blessed.box({
    parent: screen,
    top: 0,
    left: 0,
    width: '100%',
    height: HEADER_HEIGHT,
    tags: true,
    wrap: false,
  });
  const body = blessed.box({
    parent: screen,
    top: HEADER_HEIGHT,
    left: 0,
    width: '100%',
    height: `100%-${HEADER_HEIGHT}`,
  });
  const grid = new Grid({ screen: body, rows: 12, cols: 12, color: t.gridColor });
  const boxes = new Map<PanelId, Widgets.BoxElement>();
  let chart: PanelSet['chart'];
  const order: PanelId[] = [];
  for (const cell of layoutCells(kind, t.color)) {
    const label = ` ${PANEL_TITLES[cell.id]} `;
    if (cell.id === 'chart') {
      chart = grid.set(cell.row, cell.col, cell.rowSpan, cell.colSpan, line, {
        label,
        showLegend: true,
        legend: { width: LEGEND_WIDTH },
        minY: 0,
        abbreviate: true,
        numYLabels: 4,
        style: { line: 'yellow', text: 'white', baseline: 'white' },
      });
      keepPlotClearOfLegend(chart);
      continue;
    }
    const box = grid.set(cell.row, cell.col, cell.rowSpan, cell.colSpan, blessed.box, {
      label,
      tags: true,
      wrap: false,
      style: { ...t.box },
    } satisfies Widgets.BoxOptions);
    boxes.set(cell.id, box);
    order.push(cell.id);
  }
  return {
    kind,
    header,
    boxes,
    chart,
    order,
    destroy: () => {
      header.destroy();
      body.destroy();
    },
  };
}
