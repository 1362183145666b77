// Agents: processes started inside a netns (Node .mjs agents or the C helper), spoken to over NDJSON stdin/stdout.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { NetnsInfo, Topology } from './types.js';

export const LAB_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = resolve(LAB_DIR, '..', '..');
export const AGENTS_DIR = join(LAB_DIR, 'agents');
export const CACHE_DIR = join(REPO_ROOT, '.cache', 'lab');

export type Json = Record<string, unknown>;

/** A process in a netns printing one JSON object per line; requests carry an id and get the reply with that id. */
export class Agent {
  readonly child: ChildProcess;
  readonly pid: number;
  private buf = '';
  private nextId = 1;
  private readonly waiters = new Map<number, (m: Json) => void>();
  private readonly lines: string[] = [];
  private readonly lineWaiters: Array<{ pred: (l: string) => boolean; resolve: (l: string) => void }> = [];
  private stderrText = '';
  private exited: number | null | undefined;

  constructor(
    child: ChildProcess,
    readonly label: string,
  ) {
    this.child = child;
    if (child.pid === undefined) throw new Error(`${label}: failed to start`);
    this.pid = child.pid;
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      this.buf += d;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        this.onLine(line);
      }
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => {
      if (this.stderrText.length < 4000) this.stderrText += d;
    });
    child.on('exit', (code) => {
      this.exited = code;
      for (const w of this.lineWaiters.splice(0)) w.resolve('');
    });
    child.stdin?.on('error', () => {});
  }

  get stderr(): string {
    return this.stderrText;
  }

  private onLine(line: string): void {
    this.lines.push(line);
    for (let i = 0; i < this.lineWaiters.length; i++) {
      const w = this.lineWaiters[i];
      if (w && w.pred(line)) {
        this.lineWaiters.splice(i, 1);
        w.resolve(line);
        i--;
      }
    }
    if (line.startsWith('{')) {
      try {
        const m = JSON.parse(line) as Json;
        if (typeof m.id === 'number') {
          const w = this.waiters.get(m.id);
          if (w) {
            this.waiters.delete(m.id);
            w(m);
          }
        }
      } catch {
        /* not JSON */
      }
    }
  }

  /** Resolves with the first line (past or future) matching pred; rejects after timeoutMs or if the agent exits. */
  waitLine(pred: (l: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const seen = this.lines.find(pred);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((res, rej) => {
      const t = setTimeout(
        () =>
          rej(new Error(`${this.label}: no expected output within ${timeoutMs} ms; stderr: ${this.stderrText.trim()}`)),
        timeoutMs,
      );
      this.lineWaiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(t);
          if (l === '' && this.exited !== undefined)
            rej(new Error(`${this.label} exited (${String(this.exited)}): ${this.stderrText.trim()}`));
          else res(l);
        },
      });
      if (this.exited !== undefined)
        rej(new Error(`${this.label} exited (${String(this.exited)}): ${this.stderrText.trim()}`));
    });
  }

  async ready(timeoutMs = 10_000): Promise<Json> {
    const l = await this.waitLine((x) => x.includes('"ready":true') || x === 'ready', timeoutMs);
    return l.startsWith('{') ? (JSON.parse(l) as Json) : {};
  }

  request(msg: Json, timeoutMs = 30_000): Promise<Json> {
    const id = this.nextId++;
    return new Promise((res, rej) => {
      const t = setTimeout(() => {
        this.waiters.delete(id);
        rej(
          new Error(
            `${this.label}: no reply to ${JSON.stringify(msg)} within ${timeoutMs} ms; stderr: ${this.stderrText.trim()}`,
          ),
        );
      }, timeoutMs);
      this.waiters.set(id, (m) => {
        clearTimeout(t);
        res(m);
      });
      this.child.stdin?.write(JSON.stringify({ ...msg, id }) + '\n');
    });
  }

  /** Resolves with all stdout once the process exits. */
  async output(timeoutMs: number): Promise<string> {
    if (this.exited === undefined) {
      await new Promise<void>((res, rej) => {
        const t = setTimeout(() => rej(new Error(`${this.label}: did not exit within ${timeoutMs} ms`)), timeoutMs);
        this.child.once('exit', () => {
          clearTimeout(t);
          res();
        });
      });
    }
    return this.lines.join('\n') + (this.buf ? '\n' + this.buf : '');
  }

  kill(): void {
    try {
      this.child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export function startNodeAgent(
  topo: Topology,
  ns: NetnsInfo,
  script: 'server.mjs' | 'client.mjs',
  args: string[] = [],
): Agent {
  const child = topo.spawn(ns, process.execPath, [join(AGENTS_DIR, script), ...args]);
  return new Agent(child, `${script}@${ns.name}`);
}

let churnBuild: Promise<string> | undefined;

/** Compiles scripts/lab/churn.c into .cache/lab/churn (once; rebuilt when the source is newer). */
export function ensureChurnBinary(): Promise<string> {
  churnBuild ??= (async () => {
    const src = join(LAB_DIR, 'churn.c');
    const bin = join(CACHE_DIR, 'churn');
    if (existsSync(bin) && statSync(bin).mtimeMs >= statSync(src).mtimeMs) return bin;
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${bin}.${process.pid}.tmp`;
    const r = await execa('cc', ['-O2', '-Wall', '-o', tmp, src], { reject: false });
    if (r.exitCode !== 0) throw new Error(`cc -O2 churn.c failed: ${String(r.stderr)}`);
    renameSync(tmp, bin); // atomic: concurrent builders never see a half-written binary
    return bin;
  })();
  churnBuild.catch(() => {
    churnBuild = undefined;
  });
  return churnBuild;
}

export async function startChurnAgent(topo: Topology, ns: NetnsInfo, args: string[]): Promise<Agent> {
  const bin = await ensureChurnBinary();
  return new Agent(topo.spawn(ns, bin, args), `churn ${args[0] ?? ''}@${ns.name}`);
}
