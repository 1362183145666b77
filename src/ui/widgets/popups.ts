// Modal popups: scrollable text, a validated one-line prompt and a list picker; each reports how it closed.
import blessed from 'blessed';
import type { Widgets } from 'blessed';
import { linesToTagged, type Line } from '../model/markup.js';
import type { Theme } from './style.js';

export interface Popup {
  close(): void;
  element: Widgets.BoxElement;
}

export function textPopup(screen: Widgets.Screen, title: string, lines: Line[], t: Theme, onClose: () => void): Popup {
  const box = blessed.box({
    parent: screen,
    top: 'center',
    left: 'center',
    width: '90%',
    height: '85%',
    label: ` ${title} (↑↓ scroll, esc to close) `,
    border: t.border,
    style: t.box,
    tags: true,
    scrollable: true,
    alwaysScroll: true,
    keys: true,
    vi: true,
    content: linesToTagged(lines, t.color),
    padding: { left: 1, right: 1 },
  });
  box.focus();
  let closed = false;
  return {
    element: box,
    close: () => {
      if (closed) return;
      closed = true;
      box.destroy();
      onClose();
    },
  };
}

/** One-line input; `done` gets the text, or null when cancelled (esc). */
export function promptPopup(
  screen: Widgets.Screen,
  title: string,
  initial: string,
  t: Theme,
  done: (value: string | null) => void,
  hint = 'port 1-65535, empty for all; enter / esc',
): Popup {
  const box = blessed.box({
    parent: screen,
    top: 'center',
    left: 'center',
    width: 50,
    height: 5,
    label: ` ${title} `,
    border: t.border,
    style: t.box,
    tags: false,
  });
  blessed.text({ parent: box, top: 0, left: 1, height: 1, content: hint });
  const input = blessed.textbox({
    parent: box,
    top: 1,
    left: 1,
    right: 1,
    height: 1,
    inputOnFocus: false,
    value: initial,
    style: t.selected,
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    box.destroy();
  };
  input.readInput((_err: unknown, value?: string | null) => {
    const v = value === undefined ? null : value;
    close();
    done(v);
  });
  return { element: box, close };
}

export function listPopup(
  screen: Widgets.Screen,
  title: string,
  items: string[],
  t: Theme,
  done: (index: number | null) => void,
): Popup {
  const list = blessed.list({
    parent: screen,
    top: 'center',
    left: 'center',
    width: '60%',
    height: Math.min(items.length + 2, 20),
    label: ` ${title} `,
    border: t.border,
    keys: true,
    vi: true,
    items,
    style: { ...t.box, selected: t.selected },
  });
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    list.destroy();
  };
  list.on('select', (_item: unknown, index: number) => {
    close();
    done(index);
  });
  list.focus();
  return {
    element: list,
    close: () => {
      const was = closed;
      close();
      if (!was) done(null);
    },
  };
}
