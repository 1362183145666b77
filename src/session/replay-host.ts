// Replays a whole-host recording: the same reader, pacing and controls as a single-netns replay (openReplay), with
// the whole-host pipeline live mode uses (wiring.ts), so each interval gives the HostSnapshot the live session gave.
import { ExitCode, TcpscopeError } from '../errors.js';
import type { HostSnapshot } from '../model/host-snapshot.js';
import { readRecording } from '../record/reader.js';
import { checkWindow, openReplay, type GenericReplay, type ReplayOptions } from './replay.js';
import { createHostPipeline } from './wiring-host.js';

export type HostReplaySession = GenericReplay<HostSnapshot>;

/** Whether a recording holds a whole-host session (HostSnapshots) rather than one netns. */
export async function isWholeHostFile(path: string): Promise<boolean> {
  const reader = await readRecording(path);
  const whole = reader.header.description.info.wholeHost === true;
  await reader.close();
  return whole;
}

export async function replayHostSession(path: string, opts: ReplayOptions): Promise<HostReplaySession> {
  checkWindow(opts);
  const reader = await readRecording(path);
  if (reader.header.description.info.wholeHost !== true) {
    await reader.close();
    throw new TcpscopeError(`${path} records one netns, not the whole host`, { exitCode: ExitCode.recording });
  }
  return openReplay<HostSnapshot>(reader, opts, (h) => {
    const asm = createHostPipeline({ description: h.description, mode: 'replay', services: opts.services });
    return (e) => asm.push(e);
  });
}
