// Owns SIGINT/SIGTERM/SIGHUP for headless commands: stop the session (bpftrace first), then exit; a 2nd signal forces.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const CODES: Record<(typeof SIGNALS)[number], number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

/** Registers `stop` for termination signals; returns a function that removes the handlers. */
export function onShutdown(stop: () => Promise<void>): () => void {
  let stopping = false;
  const handler = (sig: (typeof SIGNALS)[number]): void => {
    if (stopping) process.exit(CODES[sig]);
    stopping = true;
    const force = setTimeout(() => process.exit(CODES[sig]), 3000);
    force.unref();
    stop().finally(() => process.exit(CODES[sig]));
  };
  for (const s of SIGNALS) process.on(s, handler);
  return () => {
    for (const s of SIGNALS) process.off(s, handler);
  };
}
