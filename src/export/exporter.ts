// The Prometheus sink: feeds snapshots into the registry, serves /metrics and /healthz, and/or writes a textfile.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Observable, Subscription } from 'rxjs';
import type { Snapshot } from '../model/snapshot.js';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../errors.js';
import { createMetrics, type Metrics } from './metrics.js';
import type { ListenAddress } from './listen-address.js';
import { writeTextfile } from './textfile.js';

export interface ExporterOptions {
  listen?: ListenAddress;
  textfileDir?: string;
  metrics?: Metrics;
  onWarning?: (message: string) => void;
}

export interface Exporter {
  /** `http://127.0.0.1:9464` once listening, undefined without --metrics. */
  url: string | undefined;
  /** Resolves when the snapshot stream completes (and the last textfile is written); rejects on its error. */
  done: Promise<void>;
  close(): Promise<void>;
}

/** Healthy = a snapshot arrived within 3 intervals (30 s grace before the first one). */
function healthy(
  last: { at: number; intervalMs: number } | undefined,
  startedAt: number,
): { ok: boolean; detail: string } {
  const now = Date.now();
  if (last === undefined)
    return now - startedAt < 30_000 ? { ok: true, detail: 'starting' } : { ok: false, detail: 'no snapshot yet' };
  const age = now - last.at;
  const limit = Math.max(3 * last.intervalMs, 5_000);
  return age <= limit
    ? { ok: true, detail: 'ok' }
    : { ok: false, detail: `last snapshot ${Math.round(age / 1000)} s ago` };
}

async function listen(server: Server, addr: ListenAddress): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(addr.port, addr.host, () => {
      server.off('error', onError);
      resolve();
    });
  }).catch((err: unknown) => {
    const code = errnoOf(err);
    const where = `${addr.host.includes(':') ? `[${addr.host}]` : addr.host}:${addr.port}`;
    if (code === 'EADDRINUSE')
      throw new TcpscopeError(`cannot serve metrics on ${where}: address in use`, {
        exitCode: ExitCode.usage,
        hint: 'pick another port with --metrics',
        cause: err,
      });
    if (code === 'EACCES')
      throw new TcpscopeError(`cannot serve metrics on ${where}: permission denied`, {
        exitCode: ExitCode.permission,
        cause: err,
      });
    if (code === 'EADDRNOTAVAIL')
      throw new TcpscopeError(`cannot serve metrics on ${where}: no such local address`, {
        exitCode: ExitCode.usage,
        cause: err,
      });
    throw new TcpscopeError(`cannot serve metrics on ${where}: ${messageOf(err)}`, {
      exitCode: ExitCode.io,
      cause: err,
    });
  });
}

export async function startExporter(snapshots$: Observable<Snapshot>, opts: ExporterOptions): Promise<Exporter> {
  const metrics = opts.metrics ?? createMetrics();
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`tcpscope: warning: ${m}\n`));
  const startedAt = Date.now();
  let last: { at: number; intervalMs: number } | undefined;
  let server: Server | undefined;
  let url: string | undefined;

  // Fail fast on an unusable directory before anything runs.
  if (opts.textfileDir !== undefined) await writeTextfile(opts.textfileDir, await metrics.text());

  if (opts.listen !== undefined) {
    server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      if (path === '/metrics') {
        metrics.text().then(
          (body) =>
            res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? undefined : body),
          (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${messageOf(err)}\n`),
        );
      } else if (path === '/healthz') {
        const h = healthy(last, startedAt);
        res.writeHead(h.ok ? 200 : 503, { 'content-type': 'text/plain' }).end(`${h.detail}\n`);
      } else if (path === '/') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('tcpscope exporter: /metrics, /healthz\n');
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: try /metrics\n');
      }
    });
    await listen(server, opts.listen);
    const a = server.address() as AddressInfo;
    url = `http://${a.family === 'IPv6' ? `[${a.address}]` : a.address}:${a.port}`;
  }

  // Textfile writes are serialised; if snapshots come faster than the disk, only the newest state is written.
  let writing: Promise<void> | undefined;
  let again = false;
  const writeLatest = (): void => {
    if (opts.textfileDir === undefined) return;
    if (writing !== undefined) {
      again = true;
      return;
    }
    const dir = opts.textfileDir;
    writing = (async () => {
      do {
        again = false;
        try {
          await writeTextfile(dir, await metrics.text());
        } catch (err) {
          warn(messageOf(err));
        }
      } while (again);
    })().finally(() => {
      writing = undefined;
    });
  };

  let sub: Subscription | undefined;
  const done = new Promise<void>((resolve, reject) => {
    sub = snapshots$.subscribe({
      next: (s) => {
        metrics.update(s);
        last = { at: Date.now(), intervalMs: s.intervalMs };
        writeLatest();
      },
      error: (err: unknown) => reject(err),
      complete: () => {
        void (async () => {
          await writing;
          resolve();
        })();
      },
    });
  });

  return {
    url,
    done,
    async close() {
      sub?.unsubscribe();
      await writing;
      if (server !== undefined) {
        const s = server;
        server = undefined;
        s.closeAllConnections();
        await new Promise<void>((r) => s.close(() => r()));
      }
    },
  };
}
