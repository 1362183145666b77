// A cache of one engine's containers (id -> name, image, labels), listed once and kept current by the engine's
// event stream, so naming a netns each interval costs a map lookup. An absent socket is a state, not an error.
import { access, constants } from 'node:fs/promises';
import { messageOf } from '../../errors.js';
import { followEvents, listContainers, type EngineContainer, type EngineEvent } from './engine-api.js';

export interface ContainerDirectory {
  readonly runtime: 'docker' | 'podman';
  readonly socketPath: string;
  /** Container by full id, undefined when unknown. */
  get(id: string): EngineContainer | undefined;
  all(): EngineContainer[];
  /** Lists again when `id` is unknown or the event stream broke (at most once per `minRefreshMs`). */
  ensure(id?: string): Promise<void>;
  /** Why the engine could not be asked (socket absent, permission, bad answer); undefined while it answers. */
  problem(): string | undefined;
  close(): void;
}

export interface DirectoryOptions {
  runtime: 'docker' | 'podman';
  socketPath: string;
  /** Minimum time between two listings caused by unknown ids or a broken stream (default 2000 ms). */
  minRefreshMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export function createContainerDirectory(opts: DirectoryOptions): ContainerDirectory {
  const now = opts.now ?? Date.now;
  const minRefreshMs = opts.minRefreshMs ?? 2000;
  const byId = new Map<string, EngineContainer>();
  let problem: string | undefined;
  let lastList = -Infinity;
  let listing: Promise<void> | undefined;
  let stopEvents: (() => void) | undefined;
  let closed = false;

  const onEvent = (e: EngineEvent): void => {
    if (e.action === 'destroy') byId.delete(e.id);
    else if (e.action === 'rename' && e.name !== undefined) {
      const c = byId.get(e.id);
      if (c) byId.set(e.id, { ...c, name: e.name.replace(/^\//, '') });
    } else if (e.action === 'start' && !byId.has(e.id)) {
      lastList = -Infinity; // a new container: list again at the next lookup
      void ensure(e.id);
    }
    // die/stop: keep the entry until destroy, so an interval that saw it running still gets its name.
  };

  async function list(): Promise<void> {
    lastList = now();
    try {
      await access(opts.socketPath, constants.R_OK | constants.W_OK);
    } catch (err) {
      problem = `${opts.runtime} socket ${opts.socketPath} not usable (${messageOf(err)})`;
      return;
    }
    // Follow events first, then list: a change between the two is in the list or in the stream, never lost.
    if (!stopEvents && !closed) {
      stopEvents = followEvents(opts.socketPath, onEvent, () => {
        stopEvents = undefined;
        lastList = -Infinity;
      });
    }
    try {
      const found = await listContainers(opts.socketPath);
      // Keep entries of containers that stopped since (their last interval is still named); add and update the rest.
      for (const c of found) byId.set(c.id, c);
      problem = undefined;
    } catch (err) {
      problem = `${opts.runtime} engine at ${opts.socketPath} did not answer (${messageOf(err)})`;
    }
  }

  async function ensure(id?: string): Promise<void> {
    if (closed) return;
    const stale = !stopEvents || (id !== undefined && !byId.has(id));
    if (!stale || now() - lastList < minRefreshMs) return listing;
    listing ??= list().finally(() => {
      listing = undefined;
    });
    return listing;
  }

  return {
    runtime: opts.runtime,
    socketPath: opts.socketPath,
    get: (id) => byId.get(id),
    all: () => [...byId.values()],
    ensure,
    problem: () => problem,
    close() {
      closed = true;
      stopEvents?.();
      stopEvents = undefined;
    },
  };
}
