// The list of subcommands, each registered by its own file and loaded on demand: `tcpscope replay` loads the replay
// command only (not blessed, execa or prom-client), which keeps start-up short.
import type { Command } from 'commander';
import { ExitCode, TcpscopeError } from '../../errors.js';
import { suggest } from '../../alert/suggest.js';

export type RegisterCommand = (program: Command) => void;

export interface CommandEntry {
  name: string;
  load: () => Promise<RegisterCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  { name: 'doctor', load: async () => (await import('./doctor.js')).registerDoctor },
  { name: 'watch', load: async () => (await import('./watch.js')).registerWatch },
  { name: 'sysctl', load: async () => (await import('./sysctl.js')).registerSysctl },
  { name: 'netns', load: async () => (await import('./netns.js')).registerNetns },
  { name: 'top', load: async () => (await import('./top.js')).registerTop },
  { name: 'record', load: async () => (await import('./record.js')).registerRecord },
  { name: 'replay', load: async () => (await import('./replay.js')).registerReplay },
  { name: 'report', load: async () => (await import('./report.js')).registerReport },
  { name: 'demo', load: async () => (await import('./demo.js')).registerDemo },
  { name: 'serve', load: async () => (await import('./serve.js')).registerServe },
];

/**
 * The commands `argv` needs: the one named first (`tcpscope replay ...`), or all of them for anything else (help,
 * --version, the default command with options, a typo that deserves a suggestion).
 */
export function commandsFor(argv: readonly string[]): readonly CommandEntry[] {
  const first = argv[2];
  const named = COMMANDS.find((c) => c.name === first);
  return named ? [named] : COMMANDS;
}

/**
 * A bare word first that is no command (`tcpscope replya`) would reach the default command (top) as a stray argument;
 * say what it is instead, with the closest command.
 */
export function assertKnownCommand(argv: readonly string[]): void {
  const first = argv[2];
  if (first === undefined || first.startsWith('-') || first === 'help' || COMMANDS.some((c) => c.name === first))
    return;
  const close = suggest(
    first,
    COMMANDS.map((c) => c.name),
  );
  throw new TcpscopeError(`unknown command '${first}'${close ? ` (did you mean ${close}?)` : ''}`, {
    exitCode: ExitCode.usage,
    hint: 'tcpscope --help lists the commands',
  });
}
