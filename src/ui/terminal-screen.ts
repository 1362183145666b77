// The terminal screen both full-screen views draw on, without blessed's own exit-on-signal handlers (ours stop
// bpftrace first) and with Unicode borders.
import blessed from 'blessed';
import type { Widgets } from 'blessed';

/** A screen on the real terminal, with blessed's own exit-on-signal handlers removed (ours stop bpftrace first). */
export function createTerminalScreen(): Widgets.Screen {
  const before = new Map((['SIGINT', 'SIGTERM', 'SIGQUIT'] as const).map((s) => [s, new Set(process.listeners(s))]));
  const screen = blessed.screen({
    smartCSR: true,
    title: 'tcpscope',
    warnings: false,
    autoPadding: true,
    ignoreLocked: ['C-c'],
    fullUnicode: false,
    // Box drawing as Unicode like the sparklines (not the ACS fallback blessed picks when LANG lacks UTF-8).
    forceUnicode: true,
  });
  // Sparklines and bars are Unicode anyway: draw borders in Unicode too instead of the terminal's ACS line set, which
  // shows as "lqqk" in tmux captures and on terminals with a wrong terminfo (NCURSES_NO_UTF8_ACS=1 does the same).
  const tput: object = screen.tput;
  if ('brokenACS' in tput) Object.assign(tput, { brokenACS: true });
  for (const [sig, had] of before) {
    for (const l of process.listeners(sig)) if (!had.has(l)) process.removeListener(sig, l);
  }
  return screen;
}
