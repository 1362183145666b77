// Replays a whole-host recording: the same reader, pacing and controls as a single-netns replay (openReplay), with
// the whole-host assembler live mode uses, so each interval gives the HostSnapshot the live session gave.
import type { Observable } from 'rxjs';
import { ExitCode, TcpscopeError } from '../errors.js';
import { WholeHostAssembler } from '../pipeline/wholehost/assemble.js';
import type { HostSnapshot } from '../pipeline/wholehost/host-snapshot.js';
import type { RecordingHeader } from './format.js';
import { readRecording } from './reader.js';
import { openReplay, type ReplayOptions, type ReplaySession } from './replay.js';
import { replayHostAssemblerOptions } from './replay-options.js';

/** A replay of a whole-host recording: the same controls, HostSnapshots instead of Snapshots. */
export interface HostReplaySession extends Omit<ReplaySession, 'snapshots$' | 'batches'> {
  snapshots$: Observable<HostSnapshot>;
  batches(): AsyncGenerator<HostSnapshot[], void, undefined>;
}

/** Whether a recording holds a whole-host session (HostSnapshots) rather than one netns. */
export const isWholeHostRecording = (header: RecordingHeader): boolean => header.description.info.wholeHost === true;

/** Opens a whole-host recording: each interval a HostSnapshot, through the same whole-host assembler as live mode. */
export async function replayHostSession(path: string, opts: ReplayOptions): Promise<HostReplaySession> {
  const reader = await readRecording(path);
  if (!isWholeHostRecording(reader.header)) {
    await reader.close();
    throw new TcpscopeError(`${path} records one netns, not the whole host`, { exitCode: ExitCode.recording });
  }
  return openReplay<HostSnapshot>(reader, opts, (h) => {
    const asm = new WholeHostAssembler(replayHostAssemblerOptions(h));
    return (e) => asm.push(e);
  });
}

