// Test-only fault injection for the exit-path suite (test/fault): inert unless TCPSCOPE_FAULT is set.
//   TCPSCOPE_FAULT=throw-after:MS   an uncaught exception thrown from a timer MS ms into the running session
//   TCPSCOPE_FAULT=reject-after:MS  the same as an unhandled promise rejection
//   TCPSCOPE_FAULT=throw-on-usr2    an uncaught exception when SIGUSR2 arrives (exact timing for tests)
export function armFaultInjection(spec: string | undefined = process.env.TCPSCOPE_FAULT): void {
  if (spec === undefined || spec === '') return;
  const fault = (what: string): Error => new Error(`TCPSCOPE_FAULT: injected ${what}`);
  if (spec === 'throw-on-usr2') {
    process.on('SIGUSR2', () => {
      throw fault('uncaught exception on SIGUSR2');
    });
    return;
  }
  const m = /^(throw|reject)-after:(\d{1,7})$/.exec(spec);
  if (!m) return;
  const ms = Number(m[2]);
  const timer = setTimeout(() => {
    if (m[1] === 'throw') throw fault(`uncaught exception after ${ms} ms`);
    void Promise.reject(fault(`unhandled rejection after ${ms} ms`));
  }, ms);
  // Never keeps a finished command alive.
  timer.unref();
}
