// Parses a tracefs `format` file: the only kernel-version-proof source of a tracepoint's fields and enum names.

export interface TracepointField {
  name: string;
  /** C type as written, e.g. `const void *`, `__u16`, `enum sk_rst_reason`. */
  type: string;
  /** Array length for `__u8 saddr[4]`, else undefined. */
  arrayLength: number | undefined;
  offset: number;
  size: number;
  signed: boolean;
}

export interface TracepointFormat {
  name: string;
  id: number | undefined;
  fields: TracepointField[];
  printFmt: string;
  /** field name -> (number -> symbolic name) from `__print_symbolic(REC->field, { n, "NAME" } ...)`. */
  enums: Map<string, Map<number, string>>;
  /** field name -> symbolic names whose values are C constants (e.g. `{ TCP_ESTABLISHED, "TCP_ESTABLISHED" }`). */
  symbolicNames: Map<string, string[]>;
}

const FIELD_RE = /^\s*field:(.+?);\s*offset:(\d+);\s*size:(\d+);\s*signed:(\d+);/;

export function parseFormat(text: string): TracepointFormat {
  const fields: TracepointField[] = [];
  let name = '';
  let id: number | undefined;
  let printFmt = '';
  for (const line of text.split('\n')) {
    if (line.startsWith('name:')) name = line.slice(5).trim();
    else if (line.startsWith('ID:')) id = Number(line.slice(3).trim());
    else if (line.startsWith('print fmt:')) printFmt = line.slice('print fmt:'.length).trim();
    else {
      const m = FIELD_RE.exec(line);
      if (m) {
        const decl = m[1]!.trim();
        const field = parseDecl(decl);
        if (field.name.startsWith('common_')) continue;
        fields.push({ ...field, offset: Number(m[2]), size: Number(m[3]), signed: m[4] === '1' });
      }
    }
  }
  if (!name && fields.length === 0) throw new Error('not a tracefs format file (no name, no fields)');
  const { enums, symbolicNames } = parseSymbolic(printFmt);
  return { name, id, fields, printFmt, enums, symbolicNames };
}

function parseDecl(decl: string): { name: string; type: string; arrayLength: number | undefined } {
  // `__u8 saddr[4]`, `const void * skaddr`, `__data_loc char[] name`
  const arr = /^(.*?)([A-Za-z_][A-Za-z0-9_]*)\s*\[(\d*)\]$/.exec(decl);
  if (arr) {
    return { name: arr[2]!, type: arr[1]!.trim(), arrayLength: arr[3] ? Number(arr[3]) : undefined };
  }
  const m = /^(.*?)([A-Za-z_][A-Za-z0-9_]*)$/.exec(decl);
  if (!m) return { name: decl, type: '', arrayLength: undefined };
  return { name: m[2]!, type: m[1]!.trim(), arrayLength: undefined };
}

/** Extracts every `__print_symbolic(REC->x, {..}, {..})` table from a print fmt. */
function parseSymbolic(printFmt: string): Pick<TracepointFormat, 'enums' | 'symbolicNames'> {
  const enums = new Map<string, Map<number, string>>();
  const symbolicNames = new Map<string, string[]>();
  const marker = '__print_symbolic(REC->';
  let at = printFmt.indexOf(marker);
  while (at !== -1) {
    const fieldStart = at + marker.length;
    const comma = printFmt.indexOf(',', fieldStart);
    if (comma === -1) break;
    const field = printFmt.slice(fieldStart, comma).trim();
    // The table ends at the parenthesis closing __print_symbolic.
    let depth = 1;
    let i = at + '__print_symbolic('.length;
    for (; i < printFmt.length && depth > 0; i++) {
      const c = printFmt[i];
      if (c === '(') depth++;
      else if (c === ')') depth--;
    }
    const body = printFmt.slice(comma + 1, i - 1);
    const numeric = new Map<number, string>();
    const names: string[] = [];
    for (const entry of body.matchAll(/\{\s*([^,{}]+?)\s*,\s*"([^"]*)"\s*\}/g)) {
      const key = entry[1]!;
      const label = entry[2]!;
      if (/^-?(0x[0-9a-fA-F]+|\d+)$/.test(key)) numeric.set(Number(key), label);
      else names.push(label);
    }
    if (numeric.size > 0) enums.set(field, numeric);
    if (names.length > 0) symbolicNames.set(field, names);
    at = printFmt.indexOf(marker, i);
  }
  return { enums, symbolicNames };
}
