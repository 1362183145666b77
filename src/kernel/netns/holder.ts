// Keeps one process inside a process-less netns so its /proc/PID/net is readable with no spawn per poll.
// `nsenter --net=PATH -- cat` blocks reading our stdin pipe: if tcpscope dies, the pipe closes and cat exits.
import { execa, type ResultPromise } from 'execa';
import { commOf, netnsOfPid, nsfsInode } from './scan.js';

export interface NetnsHolder {
  pid: number;
  stop(): Promise<void>;
}

export async function startNetnsHolder(nsPath: string): Promise<NetnsHolder> {
  const child: ResultPromise = execa('nsenter', [`--net=${nsPath}`, '--', 'cat'], {
    stdin: 'pipe',
    stdout: 'ignore',
    stderr: 'pipe',
    reject: false,
    cleanup: true,
  });
  const pid = child.pid;
  if (pid === undefined) {
    const r = await child;
    throw new Error(`cannot start a holder in ${nsPath}`, { cause: r.cause ?? r.stderr });
  }
  // nsenter execs cat in place (same pid): wait until the pid is in the target netns, or the child failed.
  const want = await nsfsInode(nsPath);
  let exited = false;
  void child.then(() => {
    exited = true;
  });
  for (let i = 0; i < 200 && !exited; i++) {
    if (want !== undefined && (await netnsOfPid(pid)) === want && (await commOf(pid)) === 'cat') break;
    await new Promise((r) => setTimeout(r, 5));
  }
  if (exited) {
    const r = await child;
    throw new Error(`holder in ${nsPath} exited: ${String(r.stderr).trim()}`, { cause: r.cause ?? r.stderr });
  }
  return {
    pid,
    async stop() {
      child.stdin?.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 2000);
      await child;
      clearTimeout(t);
    },
  };
}
