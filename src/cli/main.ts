#!/usr/bin/env node
// Entry point of the `tcpscope` binary: commander parses, each command lives in its own file under commands/.
import { Command, CommanderError } from 'commander';
import { ExitCode } from '../errors.js';
import { reportError } from './output.js';
import { exitQuietlyOnClosedStdout } from './shutdown.js';
import { assertKnownCommand, commandsFor } from './commands/index.js';
import { VERSION } from '../version.js';
import { armFaultInjection } from './fault-injection.js';
import { exitOnCrash } from './crash-exit.js';
import { splitExecArgv } from './exec-argv.js';
import { assertNoRepeatedOptions } from './repeated-options.js';

/** The commander program with the commands `argv` needs (all of them by default). */
export async function buildProgram(argv: readonly string[] = []): Promise<Command> {
  const program = new Command('tcpscope')
    .description(
      'What the Linux TCP stack is doing, live from eBPF tracepoints and procfs, and which sysctl explains it.',
    )
    .version(VERSION, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own errors become one line on stderr; help goes to stdout.
      writeErr: (s) =>
        process.stderr.write(s.startsWith('error:') ? `tcpscope: ${s.slice(7).trim().split('\n')[0]}\n` : s),
    })
    .addHelpText(
      'after',
      `
Examples:
  sudo tcpscope                      # live dashboard of this host (same as: tcpscope top)
  sudo tcpscope top --netns web1     # dashboard of the container/netns named web1
  sudo tcpscope watch --json         # one snapshot per second as NDJSON
  tcpscope sysctl                    # the TCP settings in force and what they mean on this kernel
  sudo tcpscope doctor               # can eBPF mode run here? what to fix
  tcpscope demo                      # replay the bundled incident recording (no root needed)
  tcpscope advise "$(tcpscope demo --path)"   # a tuning plan (keep / change each sysctl) from a recording

Exit codes: 0 ok, 1 alert fired (--exit-on-alert), 2 usage, 3 procfs-only (doctor), 4 permission,
5 tracer unavailable, 6 unknown netns, 7 bad recording, 8 I/O error, 9 tracer kept crashing, 70 internal bug.`,
    );
  for (const register of await Promise.all(commandsFor(argv).map((c) => c.load()))) register(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  let args: string[];
  try {
    assertKnownCommand(argv);
    // Only the commands with alert actions take --exec; elsewhere commander names the unknown option.
    const first = argv[2];
    args =
      first === undefined || first.startsWith('-') || ['watch', 'top', 'replay'].includes(first)
        ? splitExecArgv(argv).argv
        : argv;
  } catch (err) {
    return reportError(err);
  }
  const program = await buildProgram(args);
  try {
    const named = program.commands.find((c) => c.name() === args[2]);
    const cmd = named ?? program.commands.find((c) => c.name() === 'top');
    if (cmd) assertNoRepeatedOptions(cmd, args.slice(named ? 3 : 2));
  } catch (err) {
    return reportError(err);
  }
  try {
    await program.parseAsync(args);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version are "errors" to commander with exit code 0.
      if (err.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    return reportError(err);
  }
}

const isEntry = process.argv[1] !== undefined && /(?:^|\/)(?:main\.js|tcpscope)$/.test(process.argv[1]);
if (isEntry) {
  exitQuietlyOnClosedStdout();
  exitOnCrash();
  armFaultInjection();
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(err);
    },
  );
}
