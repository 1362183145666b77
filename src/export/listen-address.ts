// Parses `--metrics HOST:PORT` and refuses to expose TCP internals beyond this host unless asked to.
import { isIP } from 'node:net';
import { usageError } from '../errors.js';

export interface ListenAddress {
  host: string;
  port: number;
}

export const DEFAULT_METRICS_ADDRESS = '127.0.0.1:9464';

const LOOPBACK = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
const ALL_INTERFACES = new Set(['0.0.0.0', '::', '*']);

/** `127.0.0.1:9464`, `[::1]:9464`, `localhost:9464`, `:9464` or `9464` (both loopback). */
export function parseListenAddress(text: string, opts: { allowPublic?: boolean } = {}): ListenAddress {
  const t = text.trim();
  let host: string;
  let portText: string;
  const v6 = /^\[([^\]]*)\]:(\d+)$/.exec(t);
  if (v6) {
    host = v6[1]!;
    portText = v6[2]!;
  } else if (/^\d+$/.test(t)) {
    host = '127.0.0.1';
    portText = t;
  } else {
    const i = t.lastIndexOf(':');
    if (i === -1 || t.indexOf(':') !== i)
      throw usageError(`invalid --metrics "${text}": use HOST:PORT, e.g. ${DEFAULT_METRICS_ADDRESS} or [::1]:9464`);
    host = t.slice(0, i) || '127.0.0.1';
    portText = t.slice(i + 1);
  }
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535)
    throw usageError(`invalid --metrics "${text}": port must be 1-65535`);
  if (host !== 'localhost' && host !== '*' && isIP(host) === 0) {
    throw usageError(
      `invalid --metrics "${text}": "${host}" is not an IP address (use 127.0.0.1, ::1 or an interface address)`,
    );
  }
  if (!LOOPBACK(host) && !opts.allowPublic) {
    const what = ALL_INTERFACES.has(host) ? 'all interfaces' : 'a non-loopback address';
    throw usageError(
      `refusing to serve metrics on ${text} (${what}): it exposes this host's TCP internals; pass --allow-public to do it anyway`,
    );
  }
  return { host: host === '*' ? '0.0.0.0' : host, port };
}
