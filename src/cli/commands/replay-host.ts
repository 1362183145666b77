// `tcpscope replay` of a whole-host recording: one HostSnapshot (--json) or the host lines per interval, alerts
// evaluated per netns on each section's own snapshot, as `watch` does live.
import type { AlertRule } from '../../alert/rule.js';
import { createAlertEngine } from '../../alert/engine.js';
import type { AlertEvent } from '../../alert/event.js';
import { BatchedOutput } from '../batched-output.js';
import { replayHostSession } from '../../session/replay-host.js';
import { clock } from '../../ui/model/format.js';
import { hostWatchLines } from '../host-watch-line.js';
import { onShutdown } from '../shutdown.js';
import { assertTerminal } from '../../ui/terminal.js';

export async function runHostReplay(
  path: string,
  flags: { json?: boolean; from?: string; to?: string },
  o: { headless: boolean; speed: number | 'max'; rules: AlertRule[] },
  label: string,
): Promise<void> {
  const { parsePosition } = await import('../../record/position.js');
  const session = await replayHostSession(path, {
    speed: o.speed,
    from: flags.from !== undefined ? parsePosition(flags.from, '--from') : undefined,
    to: flags.to !== undefined ? parsePosition(flags.to, '--to') : undefined,
  });
  const engine = o.rules.length > 0 ? createAlertEngine(o.rules) : undefined;
  if (!o.headless) {
    // A terminal: the same overview `top` shows live (enter opens one netns, esc back); p pauses the display.
    assertTerminal(`use \`tcpscope replay ${path} --lines\` or \`--json\``);
    const { runOverview } = await import('../../ui/run-overview.js');
    const code = await runOverview(session, {
      onOverview: (overview) => {
        if (engine)
          session.snapshots$.subscribe((h) => {
            for (const sec of h.namespaces)
              if (sec.snapshot) for (const e of engine.evaluate(sec.snapshot)) overview.pushAlert(e);
          });
      },
    });
    if (code !== 0) process.exitCode = code;
    return;
  }
  const out = new BatchedOutput(process.stdout);
  const off = onShutdown(() => session.stop());
  const alertLine = (e: AlertEvent): string =>
    flags.json ? JSON.stringify(e) : `${new Date(e.time).toISOString().slice(11, 19)} ALERT ${e.state}: ${e.message}`;
  try {
    for await (const list of session.batches()) {
      for (const h of list) {
        await out.line(flags.json ? JSON.stringify(h) : hostWatchLines(h));
        if (engine)
          for (const sec of h.namespaces)
            if (sec.snapshot) for (const e of engine.evaluate(sec.snapshot)) await out.line(alertLine(e));
      }
      if (out.closed) break;
    }
    await out.flush();
  } finally {
    await session.stop().finally(off);
  }
  const s = session.stats;
  if (s.skipped > 0)
    process.stderr.write(
      `tcpscope: warning: ${label}: ${s.skipped} corrupt line(s) skipped (${s.skippedExamples.join('; ')})\n`,
    );
  if (s.truncated)
    process.stderr.write(
      `tcpscope: warning: ${label}: ${s.truncated}; replayed up to ${clock(session.position().elapsedMs)}\n`,
    );
}
