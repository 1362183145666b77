// "Queues & drops" panel: listener accept queues against capacity, queue-drop counters and drop reasons as rates.
import type { Snapshot } from '../../model/snapshot.js';
import type { History } from './history.js';
import { fillBar, fmtNum, sparkline } from './format.js';
import { pad, span, type Line } from './markup.js';
import { QUEUE_COUNTERS } from './queue-counters.js';
import { hasEbpf } from './rates.js';
import type { PanelSize } from './rates-view.js';

export interface ListenerRow {
  endpoint: string;
  queue: number;
  capacity: number;
  atCapacity: boolean;
  synQueue: number | undefined;
  owner: string;
}

/** Listeners fullest first (at capacity on top), then by port. */
/** `198.19.200.1:8080` in `width` columns: the address is shortened, never the port (issue 13 item 18). */
export function fitEndpoint(endpoint: string, width: number): string {
  if (endpoint.length <= width) return endpoint;
  const colon = endpoint.lastIndexOf(':');
  const port = endpoint.slice(colon);
  const room = width - port.length - 1;
  return room >= 1 ? `${endpoint.slice(0, room)}…${port}` : endpoint.slice(endpoint.length - width);
}

/** Listeners of the snapshot, fullest first; with a port filter (`/`), only that port's (the others are not watched). */
export function listenerRows(s: Snapshot, port?: number): ListenerRow[] {
  const syn = new Map<string, number>();
  for (const l of s.events.synackRetransByListener) if (l.synQueue >= 0) syn.set(`${l.laddr}:${l.lport}`, l.synQueue);
  return s.census.listeners
    .filter((l) => port === undefined || l.port === port)
    .map((l) => {
      const endpoint = l.family === 6 ? `[${l.addr}]:${l.port}` : `${l.addr}:${l.port}`;
      return {
        endpoint,
        queue: l.queue,
        capacity: l.capacity,
        atCapacity: l.atCapacity,
        synQueue: syn.get(`${l.addr}:${l.port}`),
        owner: l.comm ? `${l.comm}${l.pid !== undefined ? `/${l.pid}` : ''}` : '',
      };
    })
    .sort(
      (a, b) =>
        Number(b.atCapacity) - Number(a.atCapacity) ||
        b.queue / Math.max(1, b.capacity) - a.queue / Math.max(1, a.capacity) ||
        a.endpoint.localeCompare(b.endpoint),
    );
}

/** Drop reasons by current rate, busiest first. */
export function topDropReasons(h: History, n: number): { reason: string; rate: number; series: number[] }[] {
  const now = h.window[h.window.length - 1];
  if (!now) return [];
  const reasons = new Set<string>();
  for (const p of h.window.slice(-60)) for (const r of Object.keys(p.drops)) reasons.add(r);
  return [...reasons]
    .map((reason) => ({ reason, rate: now.drops[reason] ?? 0, series: h.series((p) => p.drops[reason] ?? 0) }))
    .sort((a, b) => b.rate - a.rate || b.series.reduce((x, y) => x + y, 0) - a.series.reduce((x, y) => x + y, 0))
    .slice(0, n);
}

export function queueLines(h: History, size: PanelSize, port?: number): Line[] {
  const latest = h.latest;
  const now = h.window[h.window.length - 1];
  if (!latest || !now) return [[span('waiting for the first snapshot…', 'dim')]];
  const short = size.width < 50;
  const labelW = short ? 12 : 22;
  const valueW = 8;
  const sparkW = Math.max(0, size.width - labelW - valueW - 2);
  const lines: Line[] = [];
  for (const q of QUEUE_COUNTERS) {
    const v = now.queue[q.key] ?? 0;
    lines.push([
      span(pad(short ? q.short : q.label, labelW)),
      span(' '),
      span(pad(`${fmtNum(v)}/s`, valueW, 'right'), v > 0 ? q.tone : 'normal', v > 0),
      span(' '),
      span(
        sparkline(
          h.series((p) => p.queue[q.key]),
          sparkW,
        ),
        v > 0 ? q.tone : 'info',
      ),
    ]);
  }
  const rows = listenerRows(latest, port);
  const drops = hasEbpf(latest) ? topDropReasons(h, short ? 2 : 4) : [];
  let room = size.height - lines.length;
  const dropRoom = drops.length > 0 ? Math.min(drops.length + 1, Math.max(0, room - 2)) : 0;
  const listenerRoom = room - dropRoom;
  if (listenerRoom >= 2) {
    const barW = short ? 6 : 12;
    const qW = short ? 10 : 12;
    const epW = Math.max(8, size.width - qW - barW - 6 - (short ? 0 : 16));
    lines.push([span(pad('listener', epW), 'dim'), span(pad('queue/max', qW, 'right'), 'dim')]);
    if (rows.length === 0) lines.push([span('no listening sockets', 'dim')]);
    const shown = rows.slice(0, listenerRoom - 1);
    for (const r of shown) {
      const tone = r.atCapacity ? 'crit' : r.queue > 0 ? 'warn' : 'normal';
      const line: Line = [
        span(pad(fitEndpoint(r.endpoint, epW), epW), tone, r.atCapacity),
        span(pad(`${r.queue}/${r.capacity}`, qW, 'right'), tone, r.atCapacity),
        span(' '),
        span(fillBar(r.queue, r.capacity, barW), tone),
        span(r.atCapacity ? ' FULL' : '', 'crit', true),
      ];
      if (!short && r.owner) line.push(span(` ${r.owner}`, 'dim'));
      lines.push(line);
    }
    if (rows.length > shown.length && shown.length > 0) {
      lines[lines.length - 1] = [span(`… ${rows.length - shown.length + 1} more listeners`, 'dim')];
    }
  }
  room = size.height - lines.length;
  // Queue overflows counted by the kernel but no drop reason: a SYN dropped on a full queue is freed with consume_skb
  // and never reaches kfree_skb (issue 13 item 16): say so rather than leave "drops 0" unexplained.
  const fullQueueDrops = (now.queue.overflows ?? 0) + (now.queue.reqQFullDrop ?? 0) > 0;
  if (hasEbpf(latest) && fullQueueDrops && !drops.some((d) => d.rate > 0) && room >= 1) {
    lines.push([
      span(
        short
          ? 'full-queue SYN drops: no skb reason'
          : 'SYNs dropped on a full queue have no skb drop reason (consume_skb)',
        'dim',
      ),
    ]);
    room--;
  }
  if (drops.length > 0 && room >= 2) {
    lines.push([span('drop reasons /s', 'dim')]);
    for (const d of drops.slice(0, room - 1)) {
      lines.push([
        span(pad(d.reason, labelW)),
        span(' '),
        span(pad(fmtNum(d.rate), valueW, 'right'), d.rate > 0 ? 'warn' : 'normal'),
        span(' '),
        span(sparkline(d.series, sparkW), 'info'),
      ]);
    }
  }
  return lines;
}
