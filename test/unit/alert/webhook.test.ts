// --webhook against a real HTTP server on 127.0.0.1: retries with backoff, gives up when bounded, drops when full.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebhookAction } from '../../../src/alert/actions/webhook.js';
import type { AlertEvent } from '../../../src/alert/event.js';
import { TcpscopeError } from '../../../src/errors.js';

const event = (name: string): AlertEvent => ({
  type: 'alert',
  name,
  expr: 'TcpExtListenOverflows > 0',
  state: 'firing',
  value: 3,
  threshold: 0,
  time: 1_700_000_001_000,
  netns: { inode: 4026531840, name: undefined },
  severity: 'warning',
  message: `${name} firing`,
});

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

describe('webhook action', () => {
  it('retries after two failures, with growing backoff, then delivers the JSON event', async () => {
    const hits: { t: number; body: string; type: string | undefined; method: string | undefined }[] = [];
    const url = await serve((req, body, res) => {
      hits.push({ t: Date.now(), body, type: req.headers['content-type'], method: req.method });
      res.statusCode = hits.length <= 2 ? 503 : 200;
      res.end();
    });
    const warnings: string[] = [];
    const a = createWebhookAction({ url, backoffMs: 100, onWarning: (m) => warnings.push(m) });
    a.handle(event('overflow'));
    await a.close();
    expect(hits).toHaveLength(3);
    expect(hits.every((h) => h.method === 'POST' && h.type === 'application/json')).toBe(true);
    expect(JSON.parse(hits[2]!.body)).toEqual(event('overflow'));
    expect(hits[1]!.t - hits[0]!.t).toBeGreaterThanOrEqual(90);
    expect(hits[2]!.t - hits[1]!.t).toBeGreaterThanOrEqual(190);
    expect(a.stats()).toMatchObject({ delivered: 1, failed: 0, attempts: 3 });
    expect(warnings).toEqual([]);
  });

  it('gives up after the bounded retries with one warning, and does not retry a 4xx', async () => {
    let hits = 0;
    const url = await serve((req, _b, res) => {
      hits++;
      res.statusCode = req.url === '/hook' ? 500 : 404;
      res.end();
    });
    const warnings: string[] = [];
    const a = createWebhookAction({ url, retries: 2, backoffMs: 10, onWarning: (m) => warnings.push(m) });
    a.handle(event('x'));
    await a.close();
    expect(hits).toBe(3);
    expect(warnings).toEqual([
      `--webhook ${new URL(url).protocol}//${new URL(url).host}: giving up on alert x firing: HTTP 500`,
    ]);
    hits = 0;
    const b = createWebhookAction({
      url: url.replace('/hook', '/nope'),
      retries: 2,
      backoffMs: 10,
      onWarning: (m) => warnings.push(m),
    });
    b.handle(event('y'));
    await b.close();
    expect(hits).toBe(1);
  });

  it('times out a server that never answers, and a custom body (Slack style)', async () => {
    const bodies: string[] = [];
    const url = await serve((_req, body, res) => {
      bodies.push(body);
      if (bodies.length === 1) return; // never answers
      res.end('ok');
    });
    const a = createWebhookAction({ url, timeoutMs: 300, backoffMs: 10, body: (e) => ({ text: e.message }) });
    a.handle(event('slow'));
    await a.close();
    expect(bodies.map((b) => JSON.parse(b) as unknown)).toEqual([{ text: 'slow firing' }, { text: 'slow firing' }]);
    expect(a.stats()).toMatchObject({ delivered: 1, attempts: 2 });
    server!.closeAllConnections();
  });

  it('queues in order up to the bound and rejects non-http URLs as usage errors', async () => {
    const names: string[] = [];
    const url = await serve((_req, body, res) => {
      names.push((JSON.parse(body) as AlertEvent).name);
      res.end();
    });
    const warnings: string[] = [];
    const a = createWebhookAction({ url, queueLimit: 3, onWarning: (m) => warnings.push(m) });
    for (let i = 0; i < 6; i++) a.handle(event(`e${i}`));
    await a.close();
    // e0 is taken by the worker at once; e1..e3 fill the queue; e4, e5 are dropped.
    expect(names).toEqual(['e0', 'e1', 'e2', 'e3']);
    expect(warnings).toHaveLength(2);
    expect(() => createWebhookAction({ url: 'file:///etc/passwd' })).toThrow(TcpscopeError);
    expect(() => createWebhookAction({ url: 'not a url' })).toThrow(/invalid --webhook "not a url"/);
  });

  it('bounds delivery at close by the grace, then drops what is pending with one warning (issue 13 item 1)', async () => {
    let got = 0;
    const url = await serve(() => {
      got++; // accepts, never answers
    });
    const warnings: string[] = [];
    const a = createWebhookAction({ url, closeGraceMs: 300, onWarning: (m) => warnings.push(m) });
    a.handle(event('one'));
    a.handle(event('two'));
    const t0 = Date.now();
    await a.close();
    expect(Date.now() - t0).toBeLessThan(2_000);
    expect(got).toBe(1);
    expect(a.stats()).toMatchObject({ delivered: 0, dropped: 2 });
    expect(warnings).toEqual([
      `--webhook ${new URL(url).protocol}//${new URL(url).host}: dropped 2 alert events not delivered within 300 ms after the run ended`,
    ]);
    server!.closeAllConnections();
  });

  it('sends credentials of the URL as a Basic Authorization header, never in the request line (item 13)', async () => {
    const seen: { auth: string | undefined; url: string | undefined }[] = [];
    const url = await serve((req, _b, res) => {
      seen.push({ auth: req.headers.authorization, url: req.url });
      res.end();
    });
    const withCreds = url.replace('http://', 'http://ops:p%40ss@');
    const a = createWebhookAction({ url: withCreds });
    a.handle(event('x'));
    await a.close();
    expect(seen).toEqual([{ auth: `Basic ${Buffer.from('ops:p@ss').toString('base64')}`, url: '/hook' }]);
    expect(a.stats().delivered).toBe(1);
  });
});
