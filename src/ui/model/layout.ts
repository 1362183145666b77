// Which panels go where: a full grid from 120×40, a compact 2×2 one below (80×24 is the smallest supported).

export type PanelId = 'rates' | 'chart' | 'matrix' | 'queues' | 'states' | 'sysctls' | 'findings';
export type LayoutKind = 'full' | 'compact';

/** Grid cell in a 12×12 grid: row, col, rowSpan, colSpan. */
export interface Cell {
  id: PanelId;
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
}

export const PANEL_TITLES: Record<PanelId, string> = {
  rates: 'Rates /s',
  chart: 'Rates, last minutes',
  matrix: 'Transitions /s (old→new)',
  queues: 'Queues & drops',
  states: 'Sockets',
  sysctls: 'Sysctls',
  findings: 'Findings & alerts',
};

export function layoutKind(cols: number, rows: number): LayoutKind {
  return cols >= 120 && rows >= 40 ? 'full' : 'compact';
}

/** Panels of a layout; the line chart only with colour (its series are told apart by colour alone). */
export function layoutCells(kind: LayoutKind, color: boolean): Cell[] {
  if (kind === 'compact') {
    return [
      { id: 'rates', row: 0, col: 0, rowSpan: 6, colSpan: 6 },
      { id: 'queues', row: 0, col: 6, rowSpan: 6, colSpan: 6 },
      { id: 'states', row: 6, col: 0, rowSpan: 6, colSpan: 6 },
      { id: 'findings', row: 6, col: 6, rowSpan: 6, colSpan: 6 },
    ];
  }
  const top: Cell[] = color
    ? [
        { id: 'rates', row: 0, col: 0, rowSpan: 4, colSpan: 4 },
        { id: 'chart', row: 0, col: 4, rowSpan: 4, colSpan: 4 },
        { id: 'matrix', row: 0, col: 8, rowSpan: 4, colSpan: 4 },
      ]
    : [
        { id: 'rates', row: 0, col: 0, rowSpan: 4, colSpan: 7 },
        { id: 'matrix', row: 0, col: 7, rowSpan: 4, colSpan: 5 },
      ];
  return [
    ...top,
    { id: 'queues', row: 4, col: 0, rowSpan: 4, colSpan: 7 },
    { id: 'states', row: 4, col: 7, rowSpan: 4, colSpan: 5 },
    { id: 'findings', row: 8, col: 0, rowSpan: 4, colSpan: 7 },
    { id: 'sysctls', row: 8, col: 7, rowSpan: 4, colSpan: 5 },
  ];
}
