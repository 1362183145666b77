// Validates the `/` port-filter prompt: a port 1-65535, or empty to clear the filter.

export type PortInput = { ok: true; port: number | undefined } | { ok: false; message: string };

export function parsePortInput(text: string | null | undefined): PortInput {
  const t = (text ?? '').trim();
  if (t === '' || t === '*' || t.toLowerCase() === 'all') return { ok: true, port: undefined };
  if (!/^\d{1,5}$/.test(t))
    return { ok: false, message: `invalid port "${t.slice(0, 20)}": a number 1-65535, empty for all` };
  const n = Number(t);
  if (n < 1 || n > 65535) return { ok: false, message: `invalid port "${t}": a number 1-65535, empty for all` };
  return { ok: true, port: n };
}
