// Minimal typings for the two blessed-contrib modules tcpscope uses, imported by path so its loose bundled typings stay out.

declare module 'blessed-contrib/lib/layout/grid.js' {
  import type { Widgets } from 'blessed';

  interface GridOptions {
    /** Anything nodes can be appended to: the screen or a container box. */
    screen: { append(node: Widgets.Node): void };
    rows: number;
    cols: number;
    hideBorder?: boolean;
    /** Border colour of every cell ('default' for none). */
    color?: string;
    dashboardMargin?: number;
  }

  class Grid {
    constructor(options: GridOptions);
    set<O extends object, T>(
      row: number,
      col: number,
      rowSpan: number,
      colSpan: number,
      factory: (options: O) => T,
      options: O,
    ): T;
  }
  export = Grid;
}

declare module 'blessed-contrib/lib/widget/charts/line.js' {
  import type { Widgets } from 'blessed';

  interface LineSeries {
    title: string;
    x: string[];
    y: number[];
    style?: { line?: string };
  }

  interface LineOptions extends Widgets.BoxOptions {
    showLegend?: boolean;
    legend?: { width?: number };
    wholeNumbersOnly?: boolean;
    abbreviate?: boolean;
    minY?: number;
    maxY?: number;
    numYLabels?: number;
    xLabelPadding?: number;
    xPadding?: number;
    showNthLabel?: number;
    style?: Widgets.Types.TStyle & { line?: string; text?: string; baseline?: string };
  }

  interface LineElement extends Widgets.BoxElement {
    options: LineOptions;
    setData(data: LineSeries[]): void;
    /** Sets canvasSize from the widget size; called when the widget is attached (which builds the canvas). */
    calcSize(): void;
    canvasSize: { width: number; height: number };
  }

  function line(options: LineOptions): LineElement;
  export = line;
}
