// The one shutdown rule of every command, headless or dashboard: a termination signal stops cleanly (bpftrace first)
// and exits 128+n; another interrupt while stopping forces the exit at once.

/** Exit code per termination signal (128 + signal number). */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;
export type TermSignal = keyof typeof SIGNAL_EXIT_CODES;
const TERM_SIGNALS = Object.keys(SIGNAL_EXIT_CODES) as TermSignal[];

/** Calls `handler` with the exit code on SIGINT, SIGTERM and SIGHUP; returns a function that removes it. */
export function onTermSignals(handler: (code: number) => void): () => void {
  const listener = (sig: TermSignal): void => handler(SIGNAL_EXIT_CODES[sig]);
  for (const s of TERM_SIGNALS) process.on(s, listener);
  return () => {
    for (const s of TERM_SIGNALS) process.off(s, listener);
  };
}

export interface Interrupter {
  /** First call: `stop(code)`; any later call: `force(code)`. */
  interrupt(code: number): void;
  /** Whether a stop has begun (by interrupt() or by markStopping()). */
  readonly stopping: boolean;
  /** A stop that began another way (q, the end of the session): the next interrupt forces. */
  markStopping(): void;
}

export function createInterrupter(stop: (code: number) => void, force: (code: number) => void): Interrupter {
  let stopping = false;
  return {
    interrupt(code) {
      if (stopping) return force(code);
      stopping = true;
      stop(code);
    },
    get stopping() {
      return stopping;
    },
    markStopping() {
      stopping = true;
    },
  };
}
