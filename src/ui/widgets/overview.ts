// The overview's widgets: a three-line header over one bordered table box; the view model decides every character.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import type { Theme } from './style.js';

export const OVERVIEW_HEADER_HEIGHT = 3;

export interface OverviewWidgets {
  header: Widgets.BoxElement;
  table: Widgets.BoxElement;
  /** Cells inside the table's border. */
  tableSize(): { width: number; height: number };
  show(): void;
  hide(): void;
  destroy(): void;
}

const cells = (v: number | string): number => (typeof v === 'number' ? v : 0);

export function buildOverview(screen: Widgets.Screen, t: Theme): OverviewWidgets {
  const header = blessed.box({
    parent: screen,
    top: 0,
    left: 0,
    width: '100%',
    height: OVERVIEW_HEADER_HEIGHT,
    tags: true,
    // Lines are fitted to the width already: blessed's word wrap would push the third line out at exactly 80 cells.
    wrap: false,
  });
  const table = blessed.box({
    parent: screen,
    top: OVERVIEW_HEADER_HEIGHT,
    left: 0,
    width: '100%',
    height: `100%-${OVERVIEW_HEADER_HEIGHT}`,
    label: ' Namespaces by trouble ',
    border: t.border,
    style: { ...t.box },
    tags: true,
    wrap: false,
  });
  return {
    header,
    table,
    tableSize: () => ({ width: Math.max(0, cells(table.width) - 2), height: Math.max(0, cells(table.height) - 2) }),
    show: () => {
      header.show();
      table.show();
    },
    hide: () => {
      header.hide();
      table.hide();
    },
    destroy: () => {
      header.destroy();
      table.destroy();
    },
  };
}
