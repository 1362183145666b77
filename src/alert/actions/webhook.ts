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
  /**
   * How long close() waits for deliveries still pending when the run ends (--duration, Ctrl-C). Default 2 s; after it
   * in-flight requests are aborted and one warning says how many events were dropped.
   */
  closeGraceMs?: number;
}

/** Default grace for pending deliveries at the end of a run (README, docs/alerts.md). */
export const WEBHOOK_CLOSE_GRACE_MS = 2_000;

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

/**
 * `https://user:pass@host/…` cannot be fetched as is (fetch refuses credentials in a URL): they become a Basic
 * Authorization header, checked at start, and the URL without them is what is requested and named in messages.
 */
export function splitCredentials(url: URL): { url: URL; authorization: string | undefined } {
  if (url.username === '' && url.password === '') return { url, authorization: undefined };
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  return { url: bare, authorization: `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}` };
}

/** A status worth retrying: the server may accept later. */
const retryable = (status: number): boolean => status >= 500 || status === 429 || status === 408;

export function createWebhookAction(opts: WebhookActionOptions): WebhookAction {
  const { url, authorization } = splitCredentials(parseWebhookUrl(opts.url));
  const grace = opts.closeGraceMs ?? WEBHOOK_CLOSE_GRACE_MS;
  const abort = new AbortController();
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
  let abandoned = false;
  let inFlight = 0;

  async function deliver(e: AlertEvent): Promise<void> {
    const payload = JSON.stringify(body(e));
    let last = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(maxBackoff, backoff * 2 ** (attempt - 1)));
      if (abandoned) return;
      stats.attempts++;
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'tcpscope',
            ...(authorization ? { authorization } : {}),
            ...opts.headers,
          },
          body: payload,
          signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), abort.signal]),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) {
          stats.delivered++;
          return;
        }
        last = `HTTP ${res.status}`;
        if (!retryable(res.status)) break;
      } catch (err) {
        if (abandoned) return;
        last = err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : messageOf(err);
      }
    }
    stats.failed++;
    warn(`--webhook ${where}: giving up on alert ${e.name} ${e.state}: ${last}`);
  }

  async function drain(): Promise<void> {
    while (queue.length > 0 && !abandoned) {
      const e = queue.shift()!;
      stats.queued = queue.length;
      inFlight = 1;
      await deliver(e);
      inFlight = 0;
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
      if (!worker) return;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        worker.then(() => false),
        new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace))),
      ]);
      clearTimeout(timer);
      if (!timedOut) return;
      // The run is over: what is still pending is dropped, and said so, rather than holding the exit for retries.
      const pending = queue.length + inFlight;
      abandoned = true;
      abort.abort();
      queue.length = 0;
      stats.dropped += pending;
      stats.queued = 0;
      warn(
        `--webhook ${where}: dropped ${pending} alert event${pending === 1 ? '' : 's'} not delivered within ${grace} ms after the run ended`,
      );
    },
  };
}
