// A minimal Docker Engine API client over its unix socket (plain node:http, no `docker` CLI per interval); podman
// serves the same API on its own socket. Only what naming needs: list containers and follow container events.
import { request, type IncomingMessage } from 'node:http';

/** What naming keeps of a container. */
export interface EngineContainer {
  id: string;
  /** Without the leading `/`. */
  name: string;
  image: string;
  labels: Record<string, string>;
}

interface ApiContainer {
  Id?: unknown;
  Names?: unknown;
  Image?: unknown;
  Labels?: unknown;
}

export function toEngineContainer(c: ApiContainer): EngineContainer | undefined {
  if (typeof c.Id !== 'string') return undefined;
  const names = Array.isArray(c.Names) ? c.Names.filter((n): n is string => typeof n === 'string') : [];
  // A linked container lists `/other/alias` names too; its own name has a single slash.
  const own = names.find((n) => n.lastIndexOf('/') === 0) ?? names[0] ?? c.Id.slice(0, 12);
  const labels: Record<string, string> = {};
  if (c.Labels && typeof c.Labels === 'object') {
    for (const [k, v] of Object.entries(c.Labels as Record<string, unknown>)) if (typeof v === 'string') labels[k] = v;
  }
  return { id: c.Id, name: own.replace(/^\//, ''), image: typeof c.Image === 'string' ? c.Image : '', labels };
}

/** DOCKER_HOST (unix:// only) or the default socket. */
export function dockerSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const host = env.DOCKER_HOST;
  if (host?.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

export class EngineApiError extends Error {}

function get(socketPath: string, path: string, timeoutMs: number): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs }, (res) => {
      if ((res.statusCode ?? 0) >= 400) {
        res.resume();
        reject(new EngineApiError(`${path}: HTTP ${String(res.statusCode)}`));
        return;
      }
      resolve(res);
    });
    req.on('timeout', () => req.destroy(new EngineApiError(`${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => reject(new EngineApiError(`${socketPath}: ${err.message}`, { cause: err })));
    req.end();
  });
}

/** GET /containers/json (running containers: only they have a netns). */
export async function listContainers(socketPath: string, timeoutMs = 3000): Promise<EngineContainer[]> {
  const res = await get(socketPath, '/containers/json', timeoutMs);
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (err) {
    throw new EngineApiError('/containers/json: not JSON', { cause: err });
  }
  if (!Array.isArray(body)) throw new EngineApiError('/containers/json: not a list');
  return body.map((c) => toEngineContainer(c as ApiContainer)).filter((c): c is EngineContainer => c !== undefined);
}

export interface EngineEvent {
  action: string;
  id: string;
  name: string | undefined;
}

/** One line of /events (NDJSON) -> a container event, undefined for others. */
export function parseEngineEvent(line: string): EngineEvent | undefined {
  let e: { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: Record<string, unknown> } };
  try {
    e = JSON.parse(line) as typeof e;
  } catch {
    return undefined;
  }
  if (e.Type !== 'container' || typeof e.Action !== 'string' || typeof e.Actor?.ID !== 'string') return undefined;
  const name = e.Actor.Attributes?.name;
  return { action: e.Action, id: e.Actor.ID, name: typeof name === 'string' ? name : undefined };
}

/**
 * Follows GET /events for container start/die/stop/rename/destroy. Returns a stop function; `onEnd` runs once when
 * the stream ends or fails (the engine restarted, the socket went away) unless stopped first.
 */
export function followEvents(
  socketPath: string,
  onEvent: (e: EngineEvent) => void,
  onEnd: (err: unknown) => void,
): () => void {
  const filters = encodeURIComponent(
    JSON.stringify({ type: ['container'], event: ['start', 'die', 'stop', 'rename', 'destroy'] }),
  );
  let stopped = false;
  let res: IncomingMessage | undefined;
  const end = (err: unknown): void => {
    if (stopped) return;
    stopped = true;
    onEnd(err);
  };
  const req = request(
    { socketPath, path: `/events?filters=${filters}`, method: 'GET', headers: { Host: 'docker' } },
    (r) => {
      res = r;
      if ((r.statusCode ?? 0) >= 400) {
        r.resume();
        end(new EngineApiError(`/events: HTTP ${String(r.statusCode)}`));
        return;
      }
      let buf = '';
      r.setEncoding('utf8');
      r.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const ev = parseEngineEvent(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
          if (ev && !stopped) onEvent(ev);
        }
      });
      r.on('end', () => end(undefined));
      r.on('error', (err) => end(err));
    },
  );
  req.on('error', (err) => end(err));
  req.end();
  return () => {
    stopped = true;
    res?.destroy();
    req.destroy();
  };
}
