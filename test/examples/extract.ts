// The example runner's reader: every command line of README.md, docs/*.md and the `--help` Examples blocks, with its
// expected exit code, so test/examples/examples.test.ts can run them all. Rules: CONTRIBUTING.md § Examples.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Example {
  /** Where it was found: `README.md:65`, `tcpscope watch --help`. */
  source: string;
  /** The command as written (continuation lines joined), without its comment. */
  command: string;
  /** The trailing `# …` comment, if any. */
  comment: string;
  /** `# … exit N …` in the comment; 0 otherwise. */
  expectedExit: number;
}

/** Index of a `#` that starts a shell comment (preceded by whitespace, outside quotes), or -1. */
export function commentStart(line: string): number {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) {
      return i;
    }
  }
  return -1;
}

/**
 * A synopsis, not an example: `<placeholder>`, `[--optional]`, `…`/`...` outside quotes, or an all-caps word such as
 * FILE or NS. These describe a syntax and are not run (their concrete forms are the examples).
 */
export function isSynopsis(command: string): boolean {
  const unquoted = command.replace(/'[^']*'|"[^"]*"/g, "''");
  if (/<[a-z][^>]*>|\[--|…|\.\.\./.test(unquoted)) return true;
  return unquoted.split(/\s+/).some((w) => /^[A-Z][A-Z0-9_|]*$/.test(w) && w.length >= 1 && !w.includes('='));
}

function example(source: string, raw: string): Example | undefined {
  const at = commentStart(raw);
  const command = (at >= 0 ? raw.slice(0, at) : raw).trim().replace(/^\$ /, '');
  const comment = at >= 0 ? raw.slice(at + 1).trim() : '';
  if (command === '' || isSynopsis(command)) return undefined;
  const exit = /\bexit (\d+)\b/.exec(comment);
  return { source, command, comment, expectedExit: exit ? Number(exit[1]) : 0 };
}

/** Lines of a shell block with `\` continuations joined; each keeps the line number it starts on. */
function joinContinuations(lines: { n: number; text: string }[]): { n: number; text: string }[] {
  const out: { n: number; text: string }[] = [];
  let cur: { n: number; text: string } | undefined;
  for (const l of lines) {
    const cont = /\\\s*$/.test(l.text);
    const text = l.text.replace(/\\\s*$/, ' ');
    if (cur) cur.text = `${cur.text.trimEnd()} ${text.trim()}`;
    else cur = { n: l.n, text };
    if (!cont) {
      out.push(cur);
      cur = undefined;
    }
  }
  if (cur) out.push(cur);
  return out;
}

const SHELL_FENCES = new Set(['sh', 'bash', 'shell', 'console']);
/**
 * Inline code that is a command: `tcpscope WORD ARGS…` or `sudo …` (a bare `tcpscope` or `tcpscope advise`, or a
 * path such as `scripts/lab/churn.c`, is a name in prose, not a command).
 */
const INLINE_COMMAND = /^(?:[A-Z_]+=\S+ )*(?:sudo \S|tcpscope [a-z]+ \S)/;

/** Examples of one Markdown file: every line of ```sh/bash/shell/console blocks, and inline `tcpscope …` commands. */
export function markdownExamples(file: string, text: string): Example[] {
  const out: Example[] = [];
  const lines = text.split('\n');
  let fence: { info: string; body: { n: number; text: string }[] } | undefined;
  lines.forEach((line, i) => {
    const open = /^\s*```(\S*)/.exec(line);
    if (open) {
      if (fence) {
        if (SHELL_FENCES.has(fence.info)) {
          for (const l of joinContinuations(fence.body)) {
            const e = example(`${file}:${l.n}`, l.text);
            if (e) out.push(e);
          }
        }
        fence = undefined;
      } else {
        fence = { info: open[1]!.toLowerCase(), body: [] };
      }
      return;
    }
    if (fence) {
      fence.body.push({ n: i + 1, text: line });
      return;
    }
    for (const m of line.matchAll(/(?<!`)`([^`]+)`(?!`)/g)) {
      const code = m[1]!.trim();
      if (!INLINE_COMMAND.test(code)) continue;
      const e = example(`${file}:${i + 1}`, code);
      if (e) out.push(e);
    }
  });
  return out;
}

/** Examples of one `--help` text: the indented lines after `Examples:` up to the first line that is not indented. */
export function helpExamples(source: string, help: string): Example[] {
  const out: Example[] = [];
  const lines = help.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'Examples:');
  if (start < 0) return out;
  for (const line of lines.slice(start + 1)) {
    if (!/^\s+\S/.test(line)) break;
    const e = example(source, line.trim());
    if (e) out.push(e);
  }
  return out;
}

/**
 * README.md and every docs/*.md of the repository at `root`: what users copy. CONTRIBUTING.md is for developers
 * (`npm ci`, `npm run format`, `sudo npm test` change the checkout or run this suite) and is not run.
 */
export function documentationExamples(root: string): Example[] {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  return files.flatMap((f) => markdownExamples(f, readFileSync(join(root, f), 'utf8')));
}
