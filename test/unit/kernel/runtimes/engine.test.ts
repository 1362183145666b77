// The Docker Engine API client and its cache, against answers captured from the lab's real dockerd, served on a
// unix socket the way dockerd serves them (list, then an event stream that stays open).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createContainerDirectory,
  dockerSocketPath,
  listContainers,
  parseEngineEvent,
} from '../../../../src/kernel/runtimes/index.js';

const fx = (f: string): string =>
  readFileSync(new URL(`../../../fixtures/runtimes/docker-api/${f}`, import.meta.url), 'utf8');
const ID = JSON.parse(fx('containers.json'))[0].Id as string;
const events = fx('events.ndjson').trim().split('\n');

let server: Server | undefined;
let dir: string | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  server = undefined;
});

/** A socket answering /containers/json with `list()` and keeping /events open for `push`. */
async function fakeEngine(
  list: () => string,
): Promise<{ socket: string; push(line: string): void; lists: number; streams: ServerResponse[] }> {
  dir = mkdtempSync(join(tmpdir(), 'tslab-api-'));
  const socket = join(dir, 'docker.sock');
  const streams: ServerResponse[] = [];
  const state = { socket, lists: 0, streams, push: (line: string) => streams.forEach((s) => s.write(`${line}\n`)) };
  server = createServer((req, res) => {
    if (req.url?.startsWith('/containers/json')) {
      state.lists += 1;
      res.setHeader('content-type', 'application/json');
      res.end(list());
    } else if (req.url?.startsWith('/events')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      streams.push(res);
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((r) => server!.listen(socket, r));
  return state;
}
const until = async (cond: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
};

describe('Docker Engine API (captured answers)', () => {
  it('parses the container list and the events dockerd 20.10 sends', async () => {
    const e = await fakeEngine(() => fx('containers.json'));
    const list = await listContainers(e.socket);
    expect(list).toEqual([{ id: ID, name: 'tslab-web1b', image: 'tslab/listen:lab', labels: {} }]);
    expect(events.map((l) => parseEngineEvent(l)?.action)).toEqual([
      'create',
      'start',
      'rename',
      'kill',
      'die',
      'destroy',
    ]);
    expect(parseEngineEvent(events[2]!)).toEqual({ action: 'rename', id: ID, name: 'tslab-web1b' });
    expect(parseEngineEvent('{"Type":"network","Action":"connect","Actor":{"ID":"x"}}')).toBeUndefined();
    expect(parseEngineEvent('not json')).toBeUndefined();
  });

  it('the cache follows rename and destroy events and lists again for an unknown id', async () => {
    let current = fx('containers.json').replace('tslab-web1b', 'tslab-web1');
    const e = await fakeEngine(() => current);
    const d = createContainerDirectory({ runtime: 'docker', socketPath: e.socket, minRefreshMs: 0 });
    try {
      await d.ensure(ID);
      expect(d.get(ID)?.name).toBe('tslab-web1');
      await until(() => e.streams.length > 0);
      e.push(events[2]!); // rename -> tslab-web1b
      await until(() => d.get(ID)?.name === 'tslab-web1b');
      expect(d.get(ID)?.name).toBe('tslab-web1b');
      expect(e.lists).toBe(1);
      e.push(events[5]!); // destroy
      await until(() => d.get(ID) === undefined);
      expect(d.get(ID)).toBeUndefined();
      current = current.replaceAll(ID, 'f'.repeat(64));
      await d.ensure('f'.repeat(64));
      expect(d.get('f'.repeat(64))?.name).toBe('tslab-web1');
      expect(d.problem()).toBeUndefined();
    } finally {
      d.close();
    }
  });

  it('a missing socket is a problem to report, not an error; DOCKER_HOST picks the socket', async () => {
    const d = createContainerDirectory({ runtime: 'docker', socketPath: '/nonexistent/docker.sock' });
    await d.ensure(ID);
    expect(d.get(ID)).toBeUndefined();
    expect(d.problem()).toMatch(/^docker socket \/nonexistent\/docker.sock not usable \(ENOENT/);
    d.close();
    expect(dockerSocketPath({ DOCKER_HOST: 'unix:///run/x.sock' })).toBe('/run/x.sock');
    expect(dockerSocketPath({ DOCKER_HOST: 'tcp://10.0.0.1:2375' })).toBe('/var/run/docker.sock');
    expect(dockerSocketPath({})).toBe('/var/run/docker.sock');
  });
});
