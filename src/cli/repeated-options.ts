// Commander keeps the last of a flag given twice (`--port 80 --port 443` watches 443 only): a silent surprise. Flags
// that are not repeatable by design (--alert, --alerts) are refused when given twice, before anything starts.
import type { Command, Option } from 'commander';
import { usageError } from '../errors.js';

const repeatable = (o: Option): boolean => o.variadic || /\(repeatable\)/.test(o.description);

/** Throws a usage error for the first non-repeatable option of `cmd` that `args` (its own words) gives twice. */
export function assertNoRepeatedOptions(cmd: Command, args: readonly string[]): void {
  const seen = new Map<Option, string>();
  for (const word of args) {
    if (word === '--') break;
    const flag = word.startsWith('--') ? word.split('=')[0]! : /^-[A-Za-z]$/.test(word) ? word : undefined;
    if (flag === undefined) continue;
    const opt = cmd.options.find((o) => o.long === flag || o.short === flag);
    if (opt === undefined || repeatable(opt)) continue;
    if (seen.has(opt)) {
      const how = seen.get(opt) === flag ? '' : ` (as ${seen.get(opt)} and ${flag})`;
      throw usageError(`${opt.long ?? flag} given twice${how}: it takes one value per run`);
    }
    seen.set(opt, flag);
  }
}
