// `tcpscope netns`: every network namespace with a name, a process and its TCP socket count, to pick --netns.
import type { Command } from 'commander';
import { listNetns, type NetnsSummary } from '../../kernel/netns/list.js';

export function row(n: NetnsSummary): string {
  const names = n.names.length > 0 ? n.names.join(',') : '-';
  const proc = n.pid !== undefined ? `${n.pid} (${n.comm ?? '?'})` : '-';
  const tcp = n.tcpSockets === undefined ? '?' : String(n.tcpSockets);
  // The netns tcpscope runs in is marked in a column of its own (it used to trail the TCP count: "1  (tcpscope)").
  return `${n.isSelf ? '*' : ' '} ${String(n.inode).padEnd(12)} ${names.padEnd(24)} ${proc.padEnd(24)} ${String(n.processes).padStart(5)} ${tcp.padStart(8)}`;
}

export function registerNetns(program: Command): void {
  program
    .command('netns')
    .description('list network namespaces (inode, names in /run/netns, a process inside, TCP sockets) for --netns')
    .option('--json', 'print one JSON array')
    .addHelpText(
      'after',
      `
Any column identifies a netns for --netns: a name, the inode, or a pid inside.
Examples:
  sudo tcpscope netns                 # one line per netns
  sudo tcpscope netns --json | jq '.[] | select(.tcpSockets > 0)'
  sudo tcpscope watch --netns 4026532281`,
    )
    .action(async (opts: { json?: boolean }) => {
      const list = await listNetns();
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(list)}\n`);
        return;
      }
      process.stdout.write(
        `  ${'INODE'.padEnd(12)} ${'NAMES'.padEnd(24)} ${'PID (COMM)'.padEnd(24)} ${'PROCS'.padStart(5)} ${'TCP'.padStart(8)}\n`,
      );
      for (const n of list) process.stdout.write(`${row(n)}\n`);
      if (list.some((n) => n.isSelf))
        process.stdout.write('* the netns tcpscope runs in (used when --netns is not given)\n');
    });
}
