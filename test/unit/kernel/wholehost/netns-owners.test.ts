// The whole-host owner cache with the real namer on a fixture /proc (captured cgroup files, no engine): cgroup files
// are read once per netns and again only when its pids change or every `rereadEvery` polls; the owner is decided
// every poll; a netns whose processes vanished mid-poll keeps its name; gone namespaces are forgotten.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNetnsNamer, type NetnsNamer } from '../../../../src/kernel/runtimes/namer.js';
import { NetnsOwners } from '../../../../src/kernel/wholehost/netns-owners.js';

const FX = fileURLToPath(new URL('../../../fixtures/runtimes/cgroup/', import.meta.url));
const DOCKER_ID = 'df6eec637ad85113ab11cfbf557c746bc06dda752f1b9f3e9b9be6f1db7b72b9';
const WEB = 4026532100;
const SVC = 4026532200;
const NAMED = 4026532300;

describe('NetnsOwners (whole-host naming per poll)', () => {
  let proc: string;
  let namer: NetnsNamer;
  const put = (pid: number, fixture: string): void => {
    mkdirSync(join(proc, String(pid)), { recursive: true });
    copyFileSync(join(FX, fixture), join(proc, String(pid), 'cgroup'));
  };

  beforeEach(() => {
    proc = mkdtempSync(join(tmpdir(), 'tcpscope-owners-'));
    namer = createNetnsNamer({ procRoot: proc, dockerSocket: null, podmanSocket: null, root: proc });
  });
  afterEach(() => {
    namer.close();
    rmSync(proc, { recursive: true, force: true });
  });

  it('reads cgroups once per pid set, re-decides every poll, re-reads on a pid change or every N polls', async () => {
    put(100, 'docker-cgroupfs-v1.txt');
    put(101, 'docker-cgroupfs-v1.txt');
    put(200, 'systemd-service-v2.txt');
    put(300, 'host-init-v2.txt');
    const owners = new NetnsOwners(namer, { rereadEvery: 5 });
    const targets = () => [
      { inode: WEB, pids: [100, 101], name: undefined },
      { inode: SVC, pids: [200], name: undefined },
      { inode: NAMED, pids: [300], name: 'blue' },
    ];
    const first = await owners.update(targets());
    // No engine: the container is named by its short id (the namer's degraded form).
    expect(first.get(WEB)).toMatchObject({ runtime: 'docker', name: DOCKER_ID.slice(0, 12), id: DOCKER_ID });
    expect(first.get(SVC)).toEqual({ runtime: 'systemd', name: 'nginx.service', unit: 'nginx.service' });
    expect(first.has(NAMED)).toBe(false); // an ip netns name without a container keeps its name
    expect(owners.hintReads).toBe(4);
    // Same pids: nothing read for 4 more polls, even though pid 200's cgroup file changed meanwhile.
    put(200, 'docker-systemd-v2.txt');
    for (let i = 0; i < 4; i++) expect((await owners.update(targets())).get(SVC)?.name).toBe('nginx.service');
    expect(owners.hintReads).toBe(4);
    // The 5th poll since the read re-reads every netns: pid 200 now shows its container.
    expect((await owners.update(targets())).get(SVC)).toMatchObject({ runtime: 'docker', id: expect.any(String) });
    expect(owners.hintReads).toBe(8);
    // A pid set change re-reads that netns only.
    put(102, 'systemd-service-v2.txt');
    const changed = await owners.update([
      { inode: WEB, pids: [100, 101, 102], name: undefined },
      ...targets().slice(1),
    ]);
    expect(changed.get(WEB)?.runtime).toBe('docker'); // a container beats a service in the same netns
    expect(owners.hintReads).toBe(11);
  });

  it('keeps the last owner when every process vanished before its cgroup was read; forgets gone namespaces', async () => {
    put(100, 'docker-cgroupfs-v1.txt');
    const owners = new NetnsOwners(namer);
    expect((await owners.update([{ inode: WEB, pids: [100], name: undefined }])).get(WEB)?.id).toBe(DOCKER_ID);
    // Discovery saw pid 555, which exited before the read: the row keeps its name, and the same pids are not read
    // again every poll (a netns of tcpscope's own processes gives no hints either, and must not cost a read per poll).
    expect((await owners.update([{ inode: WEB, pids: [555], name: undefined }])).get(WEB)?.id).toBe(DOCKER_ID);
    expect(owners.last(WEB)?.id).toBe(DOCKER_ID);
    const reads = owners.hintReads;
    expect((await owners.update([{ inode: WEB, pids: [555], name: undefined }])).get(WEB)?.id).toBe(DOCKER_ID);
    expect(owners.hintReads).toBe(reads);
    // A row not readable this poll (kept) keeps its last owner across polls; once not listed at all it is forgotten.
    await owners.update([], [WEB]);
    await owners.update([], [WEB]);
    expect(owners.last(WEB)?.id).toBe(DOCKER_ID);
    await owners.update([]);
    expect(owners.last(WEB)).toBeUndefined();
  });
});
