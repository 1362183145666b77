// `--exec CMD` is checked when tcpscope starts, never first when an alert fires: CMD must name an executable file
// (a path, or a name found on PATH, as execve would look it up).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { usageError } from '../../errors.js';

function check(path: string): 'ok' | 'missing' | 'directory' | 'not executable' {
  try {
    if (statSync(path).isDirectory()) return 'directory';
  } catch {
    return 'missing';
  }
  try {
    accessSync(path, constants.X_OK);
    return 'ok';
  } catch {
    return 'not executable';
  }
}

/** The path execve would run for `command`; a usage error (exit 2) naming why when there is none. */
export function resolveExecutable(command: string, env: NodeJS.ProcessEnv = process.env): string {
  if (command.trim() === '') throw usageError('--exec needs a command');
  if (command.includes('/')) {
    const r = check(command);
    if (r === 'ok') return command;
    const why = r === 'missing' ? 'no such file' : r === 'directory' ? 'is a directory' : 'not executable (chmod +x?)';
    throw usageError(`--exec ${command}: ${why}`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (check(candidate) === 'ok') return candidate;
  }
  throw usageError(`--exec ${command}: not found on PATH (give the full path)`);
}
