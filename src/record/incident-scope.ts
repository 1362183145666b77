// --incident-scope netns: a whole-host incident keeps only some namespaces' inputs. Host polls keep those samples,
// probe lines those rows; the whole-host pipeline of a replay then builds just those sections, as live did.
import { probeLineForNetns } from '../kernel/probes/netns-filter.js';
import type { RawInput } from '../model/inputs.js';

/** The input as a netns-scoped incident stores it (undefined: nothing of it is kept); `keep` undefined: unchanged. */
export function scopeInput(input: RawInput, keep: ReadonlySet<number> | undefined): RawInput | undefined {
  if (!keep) return input;
  switch (input.kind) {
    case 'probe': {
      const line = probeLineForNetns(input.line, keep);
      return line === undefined ? undefined : line === input.line ? input : { ...input, line };
    }
    case 'hosts': {
      const set = input.set;
      return {
        ...input,
        set: {
          ...set,
          samples: set.samples.filter((s) => keep.has(s.netns.inode)),
          unreadable: set.unreadable.filter((u) => keep.has(u.netns.inode)),
        },
      };
    }
    default:
      return input;
  }
}
