// A blessed screen on PassThrough streams of a chosen size, and a plain-text dump of what it shows.
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import type { Widgets } from 'blessed';

export interface Headless {
  screen: Widgets.Screen;
  input: PassThrough;
  /** Everything written to the terminal so far (escape sequences included). */
  written(): string;
  /** The screen as text lines (after a render). */
  text(): string;
  /** Changes the terminal size as a real resize (SIGWINCH) would. */
  resize(cols: number, rows: number): void;
  /** Types keys (raw terminal bytes). */
  type(bytes: string): void;
  destroy(): void;
}

/** blessed keeps the drawn cells in screen.lines ([attr, char] pairs); @types/blessed does not declare it. */
interface WithLines {
  lines: [number, string][][];
}
function hasLines(s: object): s is WithLines {
  return Array.isArray((s as Partial<WithLines>).lines);
}

type TtyStream = PassThrough & { columns: number; rows: number; isTTY: boolean; setRawMode?: (on: boolean) => void };

export function headlessScreen(cols: number, rows: number): Headless {
  const input = new PassThrough() as TtyStream;
  input.isTTY = true;
  input.setRawMode = () => undefined;
  const output = new PassThrough() as TtyStream;
  Object.assign(output, { columns: cols, rows, isTTY: true });
  let out = '';
  output.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  const screen = blessed.screen({
    input,
    output,
    terminal: 'xterm-256color',
    smartCSR: true,
    warnings: false,
    autoPadding: true,
  });
  return {
    screen,
    input,
    written: () => out,
    text: () =>
      hasLines(screen)
        ? screen.lines
            .map((l) =>
              l
                .map((c) => c[1])
                .join('')
                .trimEnd(),
            )
            .join('\n')
        : '',
    resize: (cols, rows) => {
      Object.assign(output, { columns: cols, rows });
      output.emit('resize');
    },
    type: (bytes) => {
      input.write(bytes);
    },
    destroy: () => screen.destroy(),
  };
}

/**
 * Lets typed keys reach their widget: a timer, then a check-phase turn, because blessed's textbox starts reading
 * input in a setImmediate, which a bare setTimeout(0) on a loaded machine can overtake.
 */
export const tick = (ms = 0): Promise<void> => new Promise((r) => setTimeout(() => setImmediate(r), ms));
