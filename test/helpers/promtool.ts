// Runs the real promtool (Debian package `prometheus`): a missing binary FAILS the test with the fix, never skips.
import { execa } from 'execa';

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `promtool ARGS` with `input` on stdin; throws only when promtool is not installed. */
export async function promtool(args: string[], input?: string): Promise<ToolResult> {
  const r = await execa('promtool', args, {
    reject: false,
    timeout: 60_000,
    ...(input === undefined ? {} : { input }),
  });
  if (r.failed && r.exitCode === undefined) {
    throw new Error(
      'prerequisite missing: "promtool" is not installed (apt-get install -y prometheus; scripts/setup.sh installs it)',
      { cause: r },
    );
  }
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

/** `promtool check metrics` on an exposition text: exit 0 and no lint output, or the lint lines. */
export async function checkMetrics(text: string): Promise<ToolResult> {
  return promtool(['check', 'metrics'], text);
}
