// The flight recorder's memory: the last N minutes of raw inputs, held as a recording would hold them (delta-encoded
// lines, older minutes gzip-compressed), so an always-on ring costs what a compressed recording costs, even whole host.
// A chunk is gzipped in libuv's thread pool (zlib's async API): at max churn whole host a chunk's gzip took up to
// 0.5 s, which on the main thread stalled every interval's processing and the dashboard.
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import type { RawInput } from '../model/inputs.js';
import { EntryDecoder, EntryEncoder } from './format.js';
import { MAP_LINE_PREFIX, MapDeltaDecoder, MapDeltaEncoder } from './ring-maps.js';

export interface RingOptions {
  /** How far back the ring reaches (ms of input time). */
  windowMs: number;
  /** Memory cap: past it the oldest segments go first, even inside the window (counted in `droppedForMemory`). */
  maxBytes: number;
  /** A new self-contained segment starts at the first host input this long after the current one's (default: window/4, 1 s–60 s). */
  segmentMs?: number;
  /** The open segment's lines are gzipped every this many ms of input (default 10 s, at most segmentMs). */
  chunkMs?: number;
}

export interface RingStats {
  /** Inputs held. */
  inputs: number;
  /** Bytes held: encoded lines of the current segment plus the gzip size of the older ones. */
  bytes: number;
  /** Input time covered: newest t − oldest t. */
  depthMs: number;
  /** Inputs dropped early because the ring reached maxBytes. */
  droppedForMemory: number;
  /** Chunks waiting for (or in) their gzip in the thread pool: held as text, counted in `bytes` as text. */
  compressing: number;
}

const gzipAsync = promisify(gzip);

/**
 * A closed run of a segment's lines: `text` until its gzip is done, then `gz` (a complete gzip member). Its place in
 * the segment is taken when it closes, so the order of chunks never depends on which gzip finishes first.
 */
interface Chunk {
  text: string | undefined;
  gz: Buffer | undefined;
}

/**
 * A run of inputs encoded by one EntryEncoder from a host input on (a key frame: full counters and sysctls), so it
 * decodes on its own. Its lines are gzipped in chunks of `chunkMs`; only the newest chunk's lines stay as text.
 */
interface Segment {
  encoder: EntryEncoder | undefined;
  maps: MapDeltaEncoder | undefined;
  lines: string[];
  /** Bytes (characters) of `lines`. */
  open: number;
  /** Input time of the first line of `lines`. */
  openT: number;
  packed: Chunk[];
  bytes: number;
  /** Trimmed out of the ring: a gzip finishing later no longer counts (and one not started is skipped). */
  dropped: boolean;
  inputs: number;
  firstT: number;
  lastT: number;
  /** Time and index (within the segment) of each host input: where an incident may start. */
  hostTs: number[];
  hostAt: number[];
}

/** A host poll (single netns or whole host): where an interval ends and a replay can start. */
const isHost = (i: RawInput): boolean => i.kind === 'host' || i.kind === 'hosts';

/**
 * A bounded FIFO of raw inputs. What `contents()` returns always starts at a host input (the baseline a replay needs
 * for its first interval's counter deltas), so it replays on its own as a recording. Quiet intervals cost what a
 * recording line costs (a whole-host netns whose nothing changed: its inode), and each closed segment is gzipped.
 */
export class InputRing {
  private segments: Segment[] = [];
  private bytes = 0;
  private droppedForMemory = 0;
  private readonly segmentMs: number;
  private readonly chunkMs: number;
  /** The chunks' gzips, one at a time (a chunk is a few MB at most; one pool thread, the others stay for fs). */
  private queue: Promise<void> = Promise.resolve();
  private compressing = 0;

  constructor(private readonly opts: RingOptions) {
    this.segmentMs = opts.segmentMs ?? Math.min(60_000, Math.max(1000, Math.floor(opts.windowMs / 4)));
    this.chunkMs = Math.min(opts.chunkMs ?? 10_000, this.segmentMs);
  }

  push(input: RawInput): void {
    let seg = this.segments.at(-1);
    if (isHost(input) && seg?.hostTs[0] !== undefined) {
      const full = input.t - seg.hostTs[0] >= this.segmentMs || seg.bytes * 4 > this.opts.maxBytes;
      if (full) {
        this.pack(seg);
        seg.encoder = undefined;
        seg.maps = undefined;
        seg = undefined;
      } else if (input.t - seg.openT >= this.chunkMs) this.pack(seg);
    }
    if (!seg) {
      seg = {
        encoder: new EntryEncoder(),
        maps: new MapDeltaEncoder(),
        lines: [],
        open: 0,
        openT: input.t,
        packed: [],
        bytes: 0,
        dropped: false,
        inputs: 0,
        firstT: input.t,
        lastT: input.t,
        hostTs: [],
        hostAt: [],
      };
      this.segments.push(seg);
    }
    const delta = input.kind === 'probe' ? seg.maps!.encode(input) : undefined;
    const line = delta !== undefined ? `${delta}\n` : seg.encoder!.encode(input);
    if (seg.lines.length === 0) seg.openT = input.t;
    seg.lines.push(line);
    seg.open += line.length;
    seg.bytes += line.length;
    this.bytes += line.length;
    seg.lastT = input.t;
    if (isHost(input)) {
      seg.hostTs.push(input.t);
      seg.hostAt.push(seg.inputs);
    }
    seg.inputs++;
    if (isHost(input)) this.trim(input.t);
  }

  /** The inputs held, oldest first, decoded from the segments (called once per incident). */
  contents(): RawInput[] {
    const out: RawInput[] = [];
    const skip = this.baseline()?.index ?? 0;
    this.segments.forEach((seg, n) => {
      // A chunk still compressing is read from its text: what is held is always complete, whatever the gzips do.
      const packed = seg.packed.map((c) => (c.gz ? gunzipSync(c.gz).toString('utf8') : c.text!));
      const text = packed.join('') + seg.lines.join('');
      const decoder = new EntryDecoder();
      const maps = new MapDeltaDecoder();
      let i = 0;
      for (const line of text.split('\n')) {
        if (line === '') continue;
        // Lines before the baseline are still decoded: later lines hold only what changed since them.
        let e: RawInput;
        if (line.startsWith(MAP_LINE_PREFIX)) e = maps.decode(line);
        else {
          const r = decoder.decode(line);
          if (!r.ok) throw new Error(`flight ring: cannot decode its own line (${r.reason})`);
          if (r.entry.kind === 'alert' || r.entry.kind === 'end' || r.entry.kind === 'segment') continue;
          e = r.entry;
          if (e.kind === 'probe') maps.saw(e);
        }
        if (n === 0 && i++ < skip) continue;
        if (e.kind === 'probe' || e.kind === 'host' || e.kind === 'hosts' || e.kind === 'gap') out.push(e);
      }
    });
    return out;
  }

  stats(): RingStats {
    const total = this.segments.reduce((n, s) => n + s.inputs, 0);
    const base = this.baseline();
    const first = base?.t ?? this.segments[0]?.firstT;
    const last = this.segments.at(-1)?.lastT;
    return {
      inputs: total - (base?.index ?? 0),
      bytes: this.bytes,
      droppedForMemory: this.droppedForMemory,
      depthMs: first !== undefined && last !== undefined ? last - first : 0,
      compressing: this.compressing,
    };
  }

  /** Resolves once every chunk closed so far is gzipped (or skipped, its segment dropped); never rejects. */
  idle(): Promise<void> {
    return this.queue;
  }

  /** The host input of the first segment a replay starts at: the last one at or before the window's start. */
  private baseline(): { t: number; index: number } | undefined {
    const seg = this.segments[0];
    const lastT = this.segments.at(-1)?.hostTs.at(-1);
    if (!seg || lastT === undefined) return undefined;
    const cutoff = lastT - this.opts.windowMs;
    let found: { t: number; index: number } | undefined;
    for (let i = 0; i < seg.hostTs.length && seg.hostTs[i]! <= cutoff; i++)
      found = { t: seg.hostTs[i]!, index: seg.hostAt[i]! };
    return found;
  }

  /** Drops segments wholly older than the window (the next one starts at a host input at or before it), then over-cap ones. */
  private trim(now: number): void {
    const cutoff = now - this.opts.windowMs;
    while (this.segments.length > 1 && this.segments[1]!.hostTs[0]! <= cutoff) this.drop(false);
    while (this.bytes > this.opts.maxBytes && this.segments.length > 1) this.drop(true);
  }

  private drop(forMemory: boolean): void {
    const seg = this.segments.shift()!;
    seg.dropped = true;
    this.bytes -= seg.bytes;
    if (forMemory) this.droppedForMemory += seg.inputs;
  }

  /** Closes the open lines of a segment into one more chunk and queues its gzip; until then it counts as text. */
  private pack(seg: Segment): void {
    if (seg.lines.length === 0) return;
    const chunk: Chunk = { text: seg.lines.join(''), gz: undefined };
    seg.packed.push(chunk);
    seg.lines = [];
    seg.open = 0;
    this.compressing++;
    this.queue = this.queue.then(() => this.compress(seg, chunk));
  }

  private async compress(seg: Segment, chunk: Chunk): Promise<void> {
    try {
      if (seg.dropped) return;
      const gz = await gzipAsync(chunk.text!, { level: 4 });
      if (seg.dropped) return;
      const saved = chunk.text!.length - gz.length;
      chunk.gz = gz;
      chunk.text = undefined;
      seg.bytes -= saved;
      this.bytes -= saved;
    } catch {
      // zlib failing (out of memory): the chunk stays as text, still counted and still decoded.
    } finally {
      this.compressing--;
    }
  }
}
