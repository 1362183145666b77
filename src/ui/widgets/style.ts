// Widget styles with and without colour: without (NO_COLOR) only bold/inverse, never a colour attribute.
import type { Widgets } from 'blessed';

export interface Theme {
  color: boolean;
  border: Widgets.Border;
  /** Style of bordered boxes (border colour only with colour). */
  box: Widgets.Types.TStyle;
  /** Colour name for grid cell borders ('default' = the terminal's own). */
  gridColor: string;
  selected: Widgets.Types.TStyle;
}

export function theme(color: boolean): Theme {
  return color
    ? {
        color,
        border: { type: 'line' },
        box: { border: { fg: 'cyan' } },
        gridColor: 'cyan',
        selected: { bg: 'blue', fg: 'white', bold: true },
      }
    : { color, border: { type: 'line' }, box: {}, gridColor: 'default', selected: { inverse: true, bold: true } };
}
