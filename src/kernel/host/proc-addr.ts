// Decodes the hex addresses of /proc/net/tcp{,6} (32-bit words in host byte order) into printable IPs.
import { endianness } from 'node:os';

const LE = endianness() === 'LE';

function word(hex: string, at: number): number[] {
  const b = [0, 2, 4, 6].map((i) => parseInt(hex.slice(at + i, at + i + 2), 16));
  return LE ? b.reverse() : b;
}

/** `0100007F` -> `127.0.0.1`. */
export function ipv4FromHex(hex: string): string {
  return word(hex, 0).join('.');
}

/** 32 hex chars -> compressed IPv6 (`::1`, `::ffff:127.0.0.1` for v4-mapped). */
export function ipv6FromHex(hex: string): string {
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) bytes.push(...word(hex, w * 8));
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  // Longest run of >= 2 zero groups becomes `::` (RFC 5952).
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestAt < 0) return hexes.join(':');
  return `${hexes.slice(0, bestAt).join(':')}::${hexes.slice(bestAt + bestLen).join(':')}`;
}
