// The dashboard's one modal at a time: text (help, a zoomed panel, a finding), the port prompt and the netns picker.
import type { Widgets } from 'blessed';
import type { Line } from './model/markup.js';
import { listPopup, promptPopup, textPopup, type Popup } from './widgets/popups.js';
import type { Theme } from './widgets/style.js';

type Kind = 'text' | 'list' | 'prompt';

export class Dialogs {
  private popup: (Popup & { kind: Kind }) | undefined;

  /** `changed`: called after a dialog closed (the dashboard schedules a frame). */
  constructor(
    private readonly screen: Widgets.Screen,
    private readonly theme: Theme,
    private readonly changed: () => void,
  ) {}

  get open(): boolean {
    return this.popup !== undefined;
  }

  /** A key while a dialog is open: esc / q close it (enter closes text); a prompt handles its own keys. */
  key(full: string): void {
    const p = this.popup;
    if (!p || p.kind === 'prompt') return;
    if (full === 'escape' || full === 'q' || (p.kind === 'text' && full === 'enter')) this.close();
  }

  close(): void {
    const p = this.popup;
    this.popup = undefined;
    p?.close();
    this.changed();
  }

  text(title: string, lines: Line[]): void {
    this.popup?.close();
    this.popup = { ...textPopup(this.screen, title, lines, this.theme, () => undefined), kind: 'text' };
    this.screen.render();
  }

  /** A one-line prompt; `done` gets the value, or null when cancelled; `hint` is the line above the input. */
  prompt(title: string, initial: string, done: (value: string | null) => void, hint?: string): void {
    this.popup = {
      ...promptPopup(
        this.screen,
        title,
        initial,
        this.theme,
        (value) => {
          this.popup = undefined;
          done(value);
          this.changed();
        },
        hint,
      ),
      kind: 'prompt',
    };
    this.screen.render();
  }

  /** A list picker; `done` gets the index, or null when cancelled. */
  list(title: string, items: string[], done: (index: number | null) => void): void {
    this.popup = {
      ...listPopup(this.screen, title, items, this.theme, (i) => {
        this.popup = undefined;
        done(i);
        this.changed();
      }),
      kind: 'list',
    };
    this.screen.render();
  }

  /** Keeps the dialog above a rebuilt layout. */
  toFront(): void {
    this.popup?.element.setFront();
  }

  destroy(): void {
    this.popup?.close();
  }
}
