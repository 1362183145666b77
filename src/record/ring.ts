// The flight recorder's memory: the last N minutes of raw inputs, so an alert can save what happened before it.
import type { RawInput } from '../model/inputs.js';

export interface RingOptions {
  /** How far back the ring reaches (ms of input time). */
  windowMs: number;
  /** Memory cap: past it the oldest inputs go first, even inside the window (counted in `droppedForMemory`). */
  maxBytes: number;
}

export interface RingStats {
  /** Inputs held. */
  inputs: number;
  /** Approximate bytes held (the recording's encoded size, before gzip). */
  bytes: number;
  /** Input time covered: newest t − oldest t. */
  depthMs: number;
  /** Inputs dropped early because the ring reached maxBytes. */
  droppedForMemory: number;
}

interface Slot {
  input: RawInput;
  bytes: number;
}

/** A host poll (single netns or whole host): where an interval ends and a replay can start. */
const isHost = (i: RawInput): boolean => i.kind === 'host' || i.kind === 'hosts';

/** Encoded size of an input as a recording line (close enough to bound memory; exact size is not needed). */
export function inputBytes(input: RawInput): number {
  switch (input.kind) {
    case 'probe':
      return input.line.length + 32;
    case 'gap':
      return input.reason.length + 48;
    case 'host':
      // A host sample's size is dominated by its tables; estimate once per interval (one per interval is cheap).
      return JSON.stringify(input.sample).length + 32;
    case 'hosts':
      // Whole host: every netns's sample of the interval (the recording stores them delta-encoded: an upper bound).
      return JSON.stringify(input.set).length + 32;
  }
}

/**
 * A bounded FIFO of raw inputs. It always starts at a host input (the baseline a replay needs for its first
 * interval's counter deltas), so what it holds replays on its own as a recording.
 */
export class InputRing {
  private slots: Slot[] = [];
  private head = 0;
  private bytes = 0;
  private droppedForMemory = 0;

  constructor(private readonly opts: RingOptions) {}

  push(input: RawInput): void {
    const bytes = inputBytes(input);
    this.slots.push({ input, bytes });
    this.bytes += bytes;
    if (input.kind === 'host' || input.kind === 'hosts') this.trim(input.t);
  }

  /** The inputs held, oldest first (a copy: the ring keeps moving). */
  contents(): RawInput[] {
    return this.slots.slice(this.head).map((s) => s.input);
  }

  stats(): RingStats {
    const n = this.slots.length - this.head;
    const first = this.slots[this.head]?.input.t;
    const last = this.slots[this.slots.length - 1]?.input.t;
    return {
      inputs: n,
      bytes: this.bytes,
      droppedForMemory: this.droppedForMemory,
      depthMs: first !== undefined && last !== undefined ? last - first : 0,
    };
  }

  /** Drops what is older than the window (keeping the host input just before it as the baseline), then over-cap inputs. */
  private trim(now: number): void {
    const cutoff = now - this.opts.windowMs;
    let keepFrom = this.head;
    for (let i = this.head; i < this.slots.length; i++) {
      const s = this.slots[i]!;
      if (s.input.t > cutoff) break;
      if (s.input.kind === 'host' || s.input.kind === 'hosts') keepFrom = i;
    }
    this.dropBefore(keepFrom);
    while (this.bytes > this.opts.maxBytes && this.slots.length - this.head > 1) {
      // Over the cap: drop up to the next host input so the ring still starts at a baseline.
      let next = this.head + 1;
      while (next < this.slots.length - 1 && !isHost(this.slots[next]!.input)) next++;
      this.droppedForMemory += next - this.head;
      this.dropBefore(next);
    }
    // Compact now and then: shifting a large array per input would be quadratic.
    if (this.head > 4096 && this.head * 2 > this.slots.length) {
      this.slots = this.slots.slice(this.head);
      this.head = 0;
    }
  }

  private dropBefore(index: number): void {
    for (let i = this.head; i < index; i++) this.bytes -= this.slots[i]!.bytes;
    this.head = Math.max(this.head, index);
  }
}
