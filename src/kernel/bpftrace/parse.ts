// Classifies one line of bpftrace `-f json` output (NDJSON) into a typed event; never throws, bad input is a BadLine.

export type MapScalar = number | string;
/** Map print data: a scalar for a key-less map, else key -> value (multi-key maps: comma-joined keys). */
export type MapValue = MapScalar | Record<string, MapScalar>;
export interface HistBucket {
  min?: number;
  max?: number;
  count: number;
}

export type BpftraceEvent =
  | { type: 'attached_probes'; probes: number }
  | { type: 'map'; name: string; value: MapValue }
  | { type: 'hist'; name: string; value: HistBucket[] | Record<string, HistBucket[]> }
  | { type: 'stats'; name: string; value: unknown }
  | { type: 'printf'; text: string }
  | { type: 'time'; text: string }
  | { type: 'lost_events'; lost: number }
  | { type: 'message'; level: 'error' | 'warning'; text: string }
  /** bpftrace prints a blank line for an empty map: not an error, nothing to do. */
  | { type: 'blank' }
  /** A well-formed line of a type this parser does not interpret (join, syscall...), kept as is. */
  | { type: 'other'; rawType: string; data: unknown };

export interface BadLine {
  type: 'bad';
  line: string;
  reason: string;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const bad = (line: string, reason: string): BadLine => ({
  type: 'bad',
  line: line.length > 200 ? `${line.slice(0, 200)}...` : line,
  reason,
});

/** The one entry of `{"@name": value}`, bpftrace's shape for map/hist/stats data. */
function single(data: unknown): [string, unknown] | undefined {
  if (!isRecord(data)) return undefined;
  const keys = Object.keys(data);
  if (keys.length !== 1) return undefined;
  return [keys[0]!, data[keys[0]!]];
}

function isScalar(v: unknown): v is MapScalar {
  return (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'string';
}

function isBucket(v: unknown): v is HistBucket {
  return isRecord(v) && typeof v.count === 'number';
}

/** bpftrace's printf lines, as `-f json` writes them. */
const PRINTF_PREFIX = '{"type": "printf", "data": "';
const PRINTF_SUFFIX = '"}';
/**
 * The text of a printf line that holds no escape but a final newline, without that newline, sliced out without
 * JSON.parse (most lines of a busy interval are such detail lines); undefined for any other line.
 */
export function plainPrintfBody(line: string): string | undefined {
  if (!line.startsWith(PRINTF_PREFIX) || !line.endsWith(PRINTF_SUFFIX)) return undefined;
  const end = line.length - PRINTF_SUFFIX.length;
  const newline = line.charCodeAt(end - 2) === 0x5c && line.charCodeAt(end - 1) === 0x6e; // "\n"
  if (!newline) return undefined;
  const body = line.slice(PRINTF_PREFIX.length, end - 2);
  // An escape or a quote takes the full parse. Raw control characters (invalid JSON) are not looked for: bpftrace
  // escapes them and the recorder stores only lines that parsed; a hand-damaged line keeps them as text.
  return body.indexOf('\\') >= 0 || body.indexOf('"') >= 0 ? undefined : body;
}

export function parseLine(line: string): BpftraceEvent | BadLine {
  const plain = plainPrintfBody(line);
  if (plain !== undefined) return { type: 'printf', text: `${plain}\n` };
  const trimmed = line.trim();
  if (trimmed === '') return { type: 'blank' };
  let obj: unknown;
  try {
    obj = JSON.parse(trimmed);
  } catch {
    return bad(line, 'not JSON (truncated or garbled)');
  }
  if (!isRecord(obj) || typeof obj.type !== 'string') return bad(line, 'no "type"');
  const data = obj.data;
  switch (obj.type) {
    case 'attached_probes': {
      const n = isRecord(data) ? data.probes : undefined;
      return typeof n === 'number'
        ? { type: 'attached_probes', probes: n }
        : bad(line, 'attached_probes without a count');
    }
    case 'printf':
      return typeof data === 'string' ? { type: 'printf', text: data } : bad(line, 'printf without text');
    case 'time':
      return typeof data === 'string' ? { type: 'time', text: data } : bad(line, 'time without text');
    case 'lost_events': {
      const n = isRecord(data) ? data.events : data;
      return typeof n === 'number' ? { type: 'lost_events', lost: n } : bad(line, 'lost_events without a count');
    }
    case 'errorf':
    case 'error':
    case 'warnf':
    case 'warning': {
      const text =
        typeof data === 'string'
          ? data
          : isRecord(data) && typeof data.msg === 'string'
            ? data.msg
            : JSON.stringify(data);
      return { type: 'message', level: obj.type.startsWith('warn') ? 'warning' : 'error', text };
    }
    case 'map': {
      const entry = single(data);
      if (!entry) return bad(line, 'map data is not {"@name": ...}');
      const [name, value] = entry;
      if (isScalar(value)) return { type: 'map', name, value };
      if (isRecord(value) && Object.values(value).every(isScalar)) {
        return { type: 'map', name, value: value as Record<string, MapScalar> };
      }
      return bad(line, `map ${name} has values that are not numbers or strings`);
    }
    case 'hist': {
      const entry = single(data);
      if (!entry) return bad(line, 'hist data is not {"@name": ...}');
      const [name, value] = entry;
      if (Array.isArray(value) && value.every(isBucket)) return { type: 'hist', name, value };
      if (isRecord(value) && Object.values(value).every((b) => Array.isArray(b) && b.every(isBucket))) {
        return { type: 'hist', name, value: value as Record<string, HistBucket[]> };
      }
      return bad(line, `hist ${name} is malformed`);
    }
    case 'stats': {
      const entry = single(data);
      return entry ? { type: 'stats', name: entry[0], value: entry[1] } : bad(line, 'stats data is not {"@name": ...}');
    }
    default:
      return { type: 'other', rawType: obj.type, data };
  }
}
