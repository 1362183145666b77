// The exporter over real HTTP on 127.0.0.1, address validation, and `tcpscope serve` refusing public binds.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Subject } from 'rxjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseListenAddress } from '../../../src/export/listen-address.js';
import { startExporter, type Exporter } from '../../../src/export/exporter.js';
import { serveTargets } from '../../../src/cli/commands/serve.js';
import { main } from '../../../src/cli/main.js';
import { ExitCode, TcpscopeError } from '../../../src/errors.js';
import type { Snapshot } from '../../../src/model/snapshot.js';
import { snap } from '../alert/snapshots.js';

let exporter: Exporter | undefined;
afterEach(async () => {
  await exporter?.close();
  exporter = undefined;
  vi.restoreAllMocks();
});

describe('listen address', () => {
  it('parses loopback forms', () => {
    expect(parseListenAddress('127.0.0.1:9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parseListenAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    expect(parseListenAddress(':9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(parseListenAddress('9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(parseListenAddress('localhost:1')).toEqual({ host: 'localhost', port: 1 });
  });

  it.each(['0.0.0.0:9464', '[::]:9464', '*:9464', '192.168.1.5:9464'])('refuses %s without --allow-public', (addr) => {
    expect(() => parseListenAddress(addr)).toThrow(
      /^refusing to serve metrics on .*: it exposes this host's TCP internals; pass --allow-public to do it anyway$/,
    );
    expect(parseListenAddress(addr, { allowPublic: true }).port).toBe(9464);
  });

  it.each([
    ['127.0.0.1:99999', /port must be 1-65535/],
    ['example.com:80', /is not an IP address/],
    ['1:2:3', /use HOST:PORT/],
  ])('rejects %s', (addr, re) => {
    expect(() => parseListenAddress(addr)).toThrow(re);
  });

  it('serve defaults to 127.0.0.1:9464 unless only --textfile is given', () => {
    expect(serveTargets({ interval: '1s' }).listen).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(serveTargets({ interval: '1s', textfile: '/tmp' })).toEqual({ listen: undefined, textfileDir: '/tmp' });
    expect(serveTargets({ interval: '1s', textfile: '/tmp', metrics: true }).listen).toEqual({
      host: '127.0.0.1',
      port: 9464,
    });
  });
});

describe('tcpscope serve', () => {
  it('refuses --metrics 0.0.0.0:9464 with one line and exit code 2, before starting anything', async () => {
    const err: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      err.push(String(chunk));
      return true;
    });
    const code = await main(['node', 'tcpscope', 'serve', '--metrics', '0.0.0.0:9464']);
    vi.restoreAllMocks();
    expect(code).toBe(ExitCode.usage);
    expect(err.join('')).toBe(
      "tcpscope: refusing to serve metrics on 0.0.0.0:9464 (all interfaces): it exposes this host's TCP internals; pass --allow-public to do it anyway\n",
    );
  });
});

describe('exporter', () => {
  it('serves /metrics and /healthz on 127.0.0.1, and writes the textfile each snapshot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tcpscope-serve-'));
    try {
      const snaps = new Subject<Snapshot>();
      exporter = await startExporter(snaps, { listen: { host: '127.0.0.1', port: 0 }, textfileDir: dir });
      expect(exporter.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      snaps.next(snap(0, { counters: { TcpExtListenOverflows: 3 }, states: { CLOSE_WAIT: 2 } }));
      snaps.next(snap(1, { counters: { TcpExtListenOverflows: 4 } }));
      const res = await fetch(`${exporter.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain('tcpscope_netstat_TcpExt_ListenOverflows_total{netns="4026531840"} 7');
      const h = await fetch(`${exporter.url}/healthz`);
      expect([h.status, await h.text()]).toEqual([200, 'ok\n']);
      expect((await fetch(`${exporter.url}/nope`)).status).toBe(404);
      expect((await fetch(`${exporter.url}/metrics`, { method: 'POST' })).status).toBe(405);
      snaps.complete();
      await exporter.done;
      expect(await readFile(join(dir, 'tcpscope.prom'), 'utf8')).toContain(
        'tcpscope_snapshots_total{netns="4026531840"} 2',
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a port in use is a one-line usage error', async () => {
    const snaps = new Subject<Snapshot>();
    exporter = await startExporter(snaps, { listen: { host: '127.0.0.1', port: 0 } });
    const port = Number(new URL(exporter.url!).port);
    const err = await startExporter(snaps, { listen: { host: '127.0.0.1', port } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TcpscopeError);
    expect((err as TcpscopeError).message).toBe(`cannot serve metrics on 127.0.0.1:${port}: address in use`);
  });
});
