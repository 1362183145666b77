// `--exec CMD ARGS…` takes the command's own arguments, dashes included, which commander cannot express: the words are
// cut out of argv before commander parses it. Rule (README, docs/alerts.md): every word after `--exec` up to a lone
// `--` or the end of the command line belongs to the command; tcpscope's own options go before `--exec`.
import { usageError } from '../errors.js';

/** Marker commander sees instead of the command's words: their JSON array (no user can type `--exec` and reach it). */
export const EXEC_JSON_FLAG = '--exec-json';

export interface SplitExec {
  argv: string[];
  exec: string[] | undefined;
}

/**
 * `argv` (process.argv form) with `--exec CMD ARGS… [--]` replaced by `--exec-json '["CMD","ARGS",…]'`. Scanning
 * stops at a lone `--` before any `--exec` (what follows it is operands).
 */
export function splitExecArgv(argv: readonly string[]): SplitExec {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (i >= 2 && word === '--') return { argv: [...out, ...argv.slice(i)], exec: undefined };
    if (i < 2 || (word !== '--exec' && !word.startsWith('--exec='))) {
      out.push(word);
      continue;
    }
    const words = word.startsWith('--exec=') ? [word.slice('--exec='.length)] : [];
    let j = i + 1;
    while (j < argv.length && argv[j] !== '--') words.push(argv[j++]!);
    if (words.length === 0 || words[0]!.trim() === '') {
      throw usageError(
        "--exec needs a command: --exec CMD [ARGS…] (every word after --exec, up to a lone -- or the end, is the command's)",
      );
    }
    const rest = argv.slice(j + 1);
    if (rest.some((w) => w === '--exec' || w.startsWith('--exec=')))
      throw usageError('--exec given twice: one command per run');
    return { argv: [...out, EXEC_JSON_FLAG, JSON.stringify(words), ...rest], exec: words };
  }
  return { argv: out, exec: undefined };
}
