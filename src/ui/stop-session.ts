// The dashboards' one way to stop their session: wait for stop() (bpftrace first) at most so long, then go on anyway.
import { ExitCode, TcpscopeError } from '../errors.js';

export function withTimeout(p: Promise<void>, ms: number): Promise<'ok' | 'timeout'> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve('timeout'), ms);
    t.unref?.();
    p.then(
      () => {
        clearTimeout(t);
        resolve('ok');
      },
      (err: unknown) => {
        clearTimeout(t);
        reject(err);
      },
    );
  });
}

/** Stops a session; resolves to the error to report (a failure, or not stopping within `ms`), undefined when clean. */
export async function stopSession(stop: () => Promise<void>, ms: number): Promise<unknown> {
  try {
    const r = await withTimeout(stop(), ms);
    return r === 'timeout'
      ? new TcpscopeError('the session did not stop in time', { exitCode: ExitCode.tracer })
      : undefined;
  } catch (err) {
    return err;
  }
}
