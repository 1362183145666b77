// `tcpscope netns`: every network namespace with what runs in it (container, pod, service), a process and its TCP
// socket count, to pick --netns.
import type { Command } from 'commander';
import { listNetnsNamed, type NetnsSummary } from '../../kernel/netns/list.js';
import { ownerLabel } from '../../kernel/runtimes/label.js';

function nameOf(n: NetnsSummary): string {
  const parts = [n.owner ? ownerLabel(n.owner) : undefined, n.names.length > 0 ? n.names.join(',') : undefined].filter(
    Boolean,
  );
  return parts.length > 0 ? parts.join(' ') : '-';
}

export function row(n: NetnsSummary, nameWidth = 24): string {
  const proc = n.pid !== undefined ? `${n.pid} (${n.comm ?? '?'})` : '-';
  const tcp = n.tcpSockets === undefined ? '?' : String(n.tcpSockets);
  // The netns tcpscope runs in is marked in a column of its own (it used to trail the TCP count: "1  (tcpscope)").
  return `${n.isSelf ? '*' : ' '} ${String(n.inode).padEnd(12)} ${nameOf(n).padEnd(nameWidth)} ${proc.padEnd(24)} ${String(n.processes).padStart(5)} ${tcp.padStart(8)}`;
}

export function registerNetns(program: Command): void {
  program
    .command('netns')
    .description(
      'list network namespaces (inode, container/pod/service or ip netns name, a process inside, TCP sockets) for --netns',
    )
    .option('--json', 'print one JSON array (each entry has an "owner" when a container, pod or service owns it)')
    .addHelpText(
      'after',
      `
Any column identifies a netns for --netns: a container name (or docker:NAME, an id prefix), a pod (pod:NS/NAME),
a service (nginx.service), an ip netns name, the inode, or a pid inside. Docker is asked on $DOCKER_HOST or
/var/run/docker.sock, podman on /run/podman/podman.sock, pods are named from /var/log/pods.
Examples:
  sudo tcpscope netns                 # one line per netns
  sudo tcpscope netns --json | jq '.[] | select(.tcpSockets > 0)'
  sudo tcpscope netns --json | jq -r '.[] | select(.owner.runtime == "docker") | .owner.name'
  sudo tcpscope watch --netns 4026532281`,
    )
    .action(async (opts: { json?: boolean }) => {
      const { namespaces, notes } = await listNetnsNamed();
      for (const n of notes) process.stderr.write(`tcpscope: ${n}\n`);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(namespaces)}\n`);
        return;
      }
      const w = Math.max(24, ...namespaces.map((n) => nameOf(n).length));
      process.stdout.write(
        `  ${'INODE'.padEnd(12)} ${'NAME'.padEnd(w)} ${'PID (COMM)'.padEnd(24)} ${'PROCS'.padStart(5)} ${'TCP'.padStart(8)}\n`,
      );
      for (const n of namespaces) process.stdout.write(`${row(n, w)}\n`);
      if (namespaces.some((n) => n.isSelf))
        process.stdout.write('* the netns tcpscope runs in (the host netns: the reference for sysctl drift)\n');
    });
}
