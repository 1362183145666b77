// `--webhook URL`: POSTs each alert event as JSON, in order, with bounded retries, backoff and a per-try timeout.
import { messageOf, usageError } from '../../errors.js';
import type { AlertEvent } from '../event.js';
import type { AlertAction } from './action.js';

export interface WebhookActionOptions {
  url: string;
  /** Per attempt. Default 5 s. */
  timeoutMs?: number;
  /** Retries after the first attempt (network error, 5xx, 429). Default 3. */
  retries?: number;
  /** First backoff, doubled each retry, capped by maxBackoffMs. Defaults 500 ms / 5 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Events waiting for delivery; beyond it new events are dropped with a warning. Default 64. */
  queueLimit?: number;
  /** Request body for an event. Default: the AlertEvent itself. (Slack: `(e) => ({ text: e.message })`.) */
  body?: (e: AlertEvent) => unknown;
  headers?: Record<string, string>;
  onWarning?: (message: string) => void;
}

export interface WebhookStats {
  delivered: number;
  failed: number;
  attempts: number;
  dropped: number;
  queued: number;
}
export interface WebhookAction extends AlertAction {
  stats(): WebhookStats;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function parseWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch (err) {
    throw usageError(`invalid --webhook "${text}": not a URL (e.g. https://hooks.example.com/T000/B000)`, err);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`invalid --webhook "${text}": only http:// and https:// URLs`);
  }
  return url;
}

/** A status worth retrying: the server may accept later. */
const retryable = (status: number): boolean => status >= 500 || status === 429 || status === 408;

export function createWebhookAction(opts: WebhookActionOptions): WebhookAction {
  const url = parseWebhookUrl(opts.url);
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const retries = Math.max(0, opts.retries ?? 3);
  const backoff = opts.backoffMs ?? 500;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;
  const queueLimit = Math.max(1, opts.queueLimit ?? 64);
  const warn = opts.onWarning ?? ((m: string) => process.stderr.write(`tcpscope: warning: ${m}\n`));
  const body = opts.body ?? ((e: AlertEvent) => e);
  const where = `${url.protocol}//${url.host}`;
  const queue: AlertEvent[] = [];
  const stats: WebhookStats = { delivered: 0, failed: 0, attempts: 0, dropped: 0, queued: 0 };
  let worker: Promise<void> | undefined;
  let closed = false;

  async function deliver(e: AlertEvent): Promise<void> {
    const payload = JSON.stringify(body(e));
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(maxBackoff, backoff * 2 ** (attempt - 1)));
      stats.attempts++;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'tcpscope', ...opts.headers },
          body: payload,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          stats.delivered++;
          return;
        }
        last = `HTTP ${res.status}`;
        if (!retryable(res.status)) break;
      } catch (err) {
        last = err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : messageOf(err);
      }
    }
    stats.failed++;
    warn(`--webhook ${where}: giving up on alert ${e.name} ${e.state}: ${last}`);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const e = queue.shift()!;
      stats.queued = queue.length;
      await deliver(e);
    }
    worker = undefined;
  }

  return {
    handle(e) {
      if (closed) return;
      if (queue.length >= queueLimit) {
        stats.dropped++;
        warn(`--webhook ${where}: ${queueLimit} alerts waiting, dropping alert ${e.name} ${e.state}`);
        return;
      }
      queue.push(e);
      stats.queued = queue.length;
      worker ??= drain();
    },
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      await worker;
    },
  };
}
