// The example runner's substitution table (CONTRIBUTING.md § Examples): documented placeholders become lab values,
// and files an example reads are put in its working directory first. Nothing else in a command is changed.
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface LabValues {
  /** The lab server netns, standing for `web1`. */
  netnsName: string;
  netnsInode: number;
  /** A process in that netns (the listener), standing for pids such as 4242. */
  pid: number;
  /** Scratch directory (textfile dir inside). */
  dir: string;
  /** PATH shims (tcpscope, sudo, page-oncall). */
  bin: string;
  /** Local HTTP server standing for every webhook URL: no example ever reaches another host. */
  hookUrl: string;
  /** A real recording (the bundled demo) standing for every recording an example reads. */
  demo: string;
}

export const ALERTS_YAML = `- name: close-wait-leak\n  expr: census.CLOSE_WAIT > 500 for 1m\n`;

/** The table, in order; each row is [pattern, replacement or function]. */
export function substitutionTable(lab: LabValues): Array<[RegExp, string]> {
  return [
    [/\bweb1\b/g, lab.netnsName],
    [/--netns \d{7,}\b/g, `--netns ${lab.netnsInode}`],
    [/--netns \d{1,6}\b/g, `--netns ${lab.pid}`],
    [/https?:\/\/[^\s'"]+/g, lab.hookUrl],
    [/\/usr\/local\/bin\/page-oncall\b/g, join(lab.bin, 'page-oncall')],
    [/\/var\/lib\/node_exporter\/textfile(?:_collector)?\b/g, join(lab.dir, 'textfile')],
    [/--metrics 10\.0\.0\.5:/g, '--metrics 127.0.0.2:'],
    // An explicit default address would collide with `serve` examples that use the default, run at the same time.
    [/--metrics 127\.0\.0\.1:9464\b/g, '--metrics 127.0.0.3:9464'],
  ];
}

/** A command with the table applied, and what its working directory needs (recordings it reads, alerts.yaml). */
export function substitute(
  command: string,
  lab: LabValues,
): { command: string; setup: (dir: string) => Promise<void> } {
  let out = command;
  for (const [re, to] of substitutionTable(lab)) out = out.replace(re, to);
  // A recording read by replay/report (the word after the command) is the demo recording under that name.
  const inputs = [...out.matchAll(/\b(?:replay|report)\s+([\w./-]+\.(?:ndjson(?:\.gz)?|tcpscope))\b/g)].map(
    (m) => m[1]!,
  );
  // advise takes one or more recordings.
  const advise = /\badvise((?:\s+[\w./-]+\.ndjson(?:\.gz)?)+)/.exec(out);
  if (advise) inputs.push(...advise[1]!.trim().split(/\s+/));
  const needsAlerts = /--alerts \.\/alerts\.yaml\b/.test(out);
  return {
    command: out,
    setup: async (dir) => {
      for (const f of inputs) {
        await mkdir(dirname(join(dir, f)), { recursive: true });
        await copyFile(lab.demo, join(dir, f));
      }
      if (needsAlerts) await writeFile(join(dir, 'alerts.yaml'), ALERTS_YAML);
    },
  };
}
