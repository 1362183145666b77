// Owns SIGINT/SIGTERM/SIGHUP and a closed stdout (EPIPE, e.g. `| head`) for headless commands: stop the session
// (bpftrace first), then exit; a second signal forces the exit.
import { errnoOf } from '../errors.js';
import { createInterrupter, onTermSignals } from '../shutdown.js';

const stops = new Set<() => Promise<void>>();

const interrupter = createInterrupter(
  (code) => {
    const force = setTimeout(() => process.exit(code), 3000);
    force.unref();
    void Promise.allSettled([...stops].map((s) => s())).finally(() => process.exit(code));
  },
  (code) => process.exit(code),
);

/** Runs every registered stop (bounded by 3 s), then exits with `code`; a second call exits at once. */
export function shutdownNow(code: number): void {
  interrupter.interrupt(code);
}

/** Registers `stop` for termination signals; returns a function that removes it. */
export function onShutdown(stop: () => Promise<void>): () => void {
  stops.add(stop);
  const off = onTermSignals(shutdownNow);
  return () => {
    stops.delete(stop);
    off();
  };
}

/** A reader that went away (`tcpscope watch | head`) ends the command quietly, not with an EPIPE stack trace. */
export function exitQuietlyOnClosedStdout(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: unknown) => {
      if (errnoOf(err) === 'EPIPE') shutdownNow(0);
      else throw err;
    });
  }
}
