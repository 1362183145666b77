// The RxJS face of the assembler: RawInput stream in, one Snapshot per interval out (live, replay and tests alike).
import { Observable, type OperatorFunction } from 'rxjs';
import type { RawInput } from '../model/inputs.js';
import { SnapshotAssembler, type AssemblerOptions } from './assemble.js';
import type { Snapshot } from '../model/snapshot.js';

export function toSnapshots(opts: AssemblerOptions): OperatorFunction<RawInput, Snapshot> {
  return (source) =>
    new Observable<Snapshot>((subscriber) => {
      const asm = new SnapshotAssembler(opts);
      return source.subscribe({
        next: (input) => {
          const snap = asm.push(input);
          if (snap) subscriber.next(snap);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      });
    });
}
