// The flight recorder: always keeps the recent past, and saves [fire − ring, fire + after] around every alert.
import { join } from 'node:path';
import { Subject, type Observable, type Subscription } from 'rxjs';
import type { AlertEvent } from '../alert/event.js';
import { netnsLabel } from '../alert/event.js';
import { messageOf } from '../errors.js';
import type { RawInput } from '../model/inputs.js';
import type { LiveSession } from '../model/session.js';
import { VERSION } from '../version.js';
import { RECORDING_FORMAT, RECORDING_VERSION, type IncidentMeta, type RecordingHeader } from './format.js';
import { incidentFileName, pruneIncidents, reportPathOf } from './incident-files.js';
import { IncidentWriter } from './incident-writer.js';
import { InputRing, type RingStats } from './ring.js';
import { scopeInput } from './incident-scope.js';

/** What the flight recorder needs of a session (a single-netns or a whole-host one): its inputs and description. */
export type FlightSource = Pick<LiveSession, 'inputs$' | 'describe' | 'info'>;

/** What a whole-host incident holds: every netns (`host`, the default) or the alerting one(s) (`netns`). */
export type IncidentScope = 'host' | 'netns';

/** Default memory cap of the ring: ≈ 30 min of max churn in one netns (see README benchmarks), far above idle. */
export const DEFAULT_RING_MAX_BYTES = 256 * 1024 * 1024;

export interface FlightOptions {
  dir: string;
  ringMs: number;
  afterMs: number;
  keep?: number;
  maxDiskBytes?: number;
  maxRingBytes?: number;
  gzip?: boolean;
  /** Whole-host sessions only: `netns` keeps just the alerting netns (and the host netns, the sysctl reference). */
  scope?: IncidentScope;
  /** One line for the user (saved, extended, pruned, failed): stderr, or the dashboard's alerts log. */
  say(line: string): void;
  /** Writes the Markdown report of a finished incident beside it (injected: record/ does not replay). */
  writeReport?(incidentPath: string, reportPath: string): Promise<void>;
}

export interface IncidentInfo {
  path: string;
  reportPath: string | undefined;
  meta: IncidentMeta;
  bytes: number;
  /** Set when the incident could not be written completely. */
  error: string | undefined;
}

export interface FlightRecorder {
  /** Feeds an alert change: a firing alert opens an incident or extends the open one. */
  alert(e: AlertEvent): void;
  /** Saves the ring now (the dashboard's `R`), as an incident that ends `afterMs` from now. */
  save(reason: string): void;
  stats(): RingStats & { incidents: number; open: string | undefined };
  /** Each incident once it is complete on disk (report included). */
  readonly incidents$: Observable<IncidentInfo>;
  /** Closes an open incident (end marker, report), stops following the session and waits for the ring's gzips. */
  stop(): Promise<void>;
}

interface Open {
  writer: IncidentWriter;
  meta: IncidentMeta;
  lastT: number;
  /** --incident-scope netns: the inodes kept (alerting netns + host netns); undefined: everything. */
  keep: Set<number> | undefined;
}

export function createFlightRecorder(session: FlightSource, opts: FlightOptions): FlightRecorder {
  const ring = new InputRing({ windowMs: opts.ringMs, maxBytes: opts.maxRingBytes ?? DEFAULT_RING_MAX_BYTES });
  const incidents$ = new Subject<IncidentInfo>();
  const gzip = opts.gzip ?? true;
  let open: Open | undefined;
  let saved = 0;
  let lastT = 0;
  /** The host netns of a whole-host session (from its polls): kept in a netns-scoped incident as the sysctl reference. */
  let hostInode: number | undefined;
  const scoped = opts.scope === 'netns' && session.info.wholeHost === true;
  let pending: Promise<void> = Promise.resolve();
  /** Incidents opened and not yet complete (report included): never pruned. */
  const unfinished = new Set<string>();

  const onInput = (input: RawInput): void => {
    ring.push(input);
    lastT = input.t;
    if (input.kind === 'hosts' && hostInode === undefined)
      hostInode = input.set.samples.find((s) => s.netns.isHost === true)?.netns.inode;
    if (!open) return;
    const kept = scopeInput(input, open.keep);
    if (kept) open.writer.add(kept);
    open.lastT = input.t;
    if ((input.kind === 'host' || input.kind === 'hosts') && input.t >= open.meta.until) finish('complete');
  };

  const start = (meta: IncidentMeta, inode: number | undefined): void => {
    const keep = scoped && inode !== undefined ? new Set([inode]) : undefined;
    if (keep) {
      if (hostInode !== undefined) keep.add(hostInode);
      meta.scope = 'netns';
      meta.inodes = [...keep];
    }
    const past = ring.contents().flatMap((i) => scopeInput(i, keep) ?? []);
    const startedAt = past[0]?.t ?? meta.firedAt;
    const header: RecordingHeader = {
      type: 'header',
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      tcpscopeVersion: VERSION,
      startedAt,
      description: session.describe(),
      incident: meta,
    };
    const path = join(opts.dir, incidentFileName(meta.firedAt, meta.netns, meta.alert, gzip));
    try {
      open = { writer: IncidentWriter.open(path, header, past, gzip), meta, lastT: lastT, keep };
      unfinished.add(path);
      opts.say(
        `incident: saving ${path} (${Math.round((meta.firedAt - startedAt) / 1000)} s before "${meta.alert}", until ${Math.round(opts.afterMs / 1000)} s after)`,
      );
    } catch (err) {
      // Disk full or DIR unwritable: say it once per incident; the session goes on and the next alert retries.
      opts.say(`incident not saved: ${messageOf(err)}`);
    }
  };

  const finish = (reason: string): void => {
    const o = open;
    if (!o) return;
    open = undefined;
    pending = pending.then(async () => {
      await o.writer.close(reason);
      let reportPath: string | undefined;
      let error = o.writer.error ? messageOf(o.writer.error) : undefined;
      if (error) opts.say(`incident ${o.writer.path} is incomplete: ${error} (what was written replays)`);
      if (opts.writeReport) {
        const rp = reportPathOf(o.writer.path);
        try {
          await opts.writeReport(o.writer.path, rp);
          reportPath = rp;
        } catch (err) {
          error ??= `report not written: ${messageOf(err)}`;
          opts.say(`incident report ${rp} not written: ${messageOf(err)}`);
        }
      }
      saved++;
      opts.say(`incident saved: ${o.writer.path} (${o.writer.bytes} bytes)${reportPath ? ` and ${reportPath}` : ''}`);
      unfinished.delete(o.writer.path);
      await prune(o.writer.path);
      incidents$.next({ path: o.writer.path, reportPath, meta: o.meta, bytes: o.writer.bytes, error });
    });
  };

  const prune = async (protect: string): Promise<void> => {
    if (opts.keep === undefined && opts.maxDiskBytes === undefined) return;
    try {
      const gone = await pruneIncidents(
        opts.dir,
        { keep: opts.keep, maxDiskBytes: opts.maxDiskBytes },
        new Set([protect, ...unfinished]),
      );
      const why = opts.keep !== undefined ? `--keep ${opts.keep}` : '--max-disk';
      for (const f of gone) opts.say(`incident deleted (oldest, ${why}): ${f.path}`);
    } catch (err) {
      opts.say(`cannot prune ${opts.dir}: ${messageOf(err)}`);
    }
  };

  const begin = (alert: string, netns: string, severity: string, t: number, inode?: number): void => {
    if (open && !open.writer.error) {
      // A new firing during --after extends the same incident instead of writing a second one.
      open.meta.until = Math.max(open.meta.until, t + opts.afterMs);
      if (!open.meta.alerts.includes(alert)) open.meta.alerts.push(alert);
      // Netns scope: a firing in another netns adds that netns from now on (its first poll is its baseline).
      if (open.keep && inode !== undefined && !open.keep.has(inode)) {
        open.keep.add(inode);
        open.meta.inodes = [...open.keep];
      }
      return;
    }
    if (open) finish('write-error');
    start(
      {
        alert,
        alerts: [alert],
        netns,
        severity,
        firedAt: t,
        until: t + opts.afterMs,
        ringMs: opts.ringMs,
        afterMs: opts.afterMs,
      },
      inode,
    );
  };

  const sub: Subscription = session.inputs$.subscribe({ next: onInput, complete: () => finish('session-ended') });

  return {
    alert(e) {
      if (e.state === 'firing') begin(e.name, netnsLabel(e.netns), e.severity, e.time, e.netns.inode);
      // A netns-scoped incident keeps the alert lines of its own namespaces only.
      if (!open?.keep || open.keep.has(e.netns.inode)) open?.writer.add({ kind: 'alert', t: e.time, alert: e });
    },
    save(reason) {
      begin(reason, netnsLabel(session.info.netns), 'info', lastT || Date.now());
    },
    stats: () => ({ ...ring.stats(), incidents: saved, open: open?.writer.path }),
    incidents$: incidents$.asObservable(),
    async stop() {
      sub.unsubscribe();
      finish('stopped');
      await pending;
      // No gzip of the ring left running in the thread pool once stopped (the ring is dropped with the recorder).
      await ring.idle();
      incidents$.complete();
    },
  };
}
