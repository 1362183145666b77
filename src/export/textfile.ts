// node_exporter textfile collector output: tcpscope.prom replaced atomically so a scrape never reads half a file.
import { open, rename, rm } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ExitCode, TcpscopeError, errnoOf, messageOf } from '../errors.js';

export const TEXTFILE_NAME = 'tcpscope.prom';

/**
 * Writes a temp file (0600, same directory, name not ending in .prom so the collector ignores it), fsyncs it,
 * renames it over `tcpscope.prom` (atomic within one filesystem) and fsyncs the directory.
 */
export async function writeTextfile(dir: string, text: string, name = TEXTFILE_NAME): Promise<string> {
  const final = join(dir, name);
  const tmp = join(dir, `.${name}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(text);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    const dh = await open(dir, 'r');
    try {
      await dh.sync();
    } finally {
      await dh.close();
    }
    return final;
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = errnoOf(err);
    const why =
      code === 'ENOENT'
        ? 'no such directory'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'ENOSPC'
            ? 'disk full'
            : messageOf(err);
    throw new TcpscopeError(`cannot write ${final}: ${why}`, {
      exitCode: code === 'ENOENT' ? ExitCode.usage : ExitCode.io,
      cause: err,
    });
  }
}
