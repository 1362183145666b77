// Who owns a netns: pod over its containers, container(s) over ip netns names over services; kubelet fixtures.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  decideOwner,
  hintFromProcCgroup,
  matchOwner,
  netnsDisplayName,
  ownerLabel,
  parseContainerLogName,
  parsePodLogDir,
  readKubeNodeIndex,
  type EngineContainer,
} from '../../../../src/kernel/runtimes/index.js';

const fx = (f: string): string =>
  readFileSync(new URL(`../../../fixtures/runtimes/cgroup/${f}`, import.meta.url), 'utf8');
const nodeRoot = fileURLToPath(new URL('../../../fixtures/runtimes/node/', import.meta.url));
const hint = (f: string) => hintFromProcCgroup(fx(f));

describe('kubelet on-disk metadata (fixture node)', () => {
  it('names pods by UID and containers by id', async () => {
    const idx = await readKubeNodeIndex(nodeRoot);
    expect(idx.pods.get('55c6c714-b240-4dec-9a45-57b61696ab6e')).toEqual({
      namespace: 'shop',
      name: 'cart-7d9f',
      uid: '55c6c714-b240-4dec-9a45-57b61696ab6e',
      containers: ['cart', 'istio-proxy'],
    });
    expect(idx.pods.get('8daa50c3a64c9ff60bb9eab7b44b56fd')?.name).toBe('etcd-node1');
    expect(idx.pods.size).toBe(4); // the pre-1.14 uid-only directory has no names
    expect(idx.containers.get('2032491dcae31e6746f47daa0ac74564f2843a1bd847c5e6c4eb501ca132ac36')).toBe('cart');
    expect(idx.containers.size).toBe(3);
  });
  it('a missing /var/log/pods is an empty index', async () => {
    const idx = await readKubeNodeIndex('/nonexistent-root');
    expect(idx.pods.size).toBe(0);
  });
  it('parses directory and symlink names', () => {
    expect(parsePodLogDir('a_b_c')).toBeUndefined();
    expect(parsePodLogDir('kube-system_coredns-5d78c9869d-abcde_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0')?.name).toBe(
      'coredns-5d78c9869d-abcde',
    );
    expect(parseContainerLogName(`web-0_prod_nginx-${'a'.repeat(64)}.log`)).toEqual({
      pod: 'web-0',
      namespace: 'prod',
      container: 'nginx',
      id: 'a'.repeat(64),
    });
  });
});

describe('decideOwner', () => {
  const web1: EngineContainer = {
    id: 'df6eec637ad85113ab11cfbf557c746bc06dda752f1b9f3e9b9be6f1db7b72b9',
    name: 'web1',
    image: 'nginx:1.27',
    labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' },
  };
  const docker = (id: string): EngineContainer | undefined => (id === web1.id ? web1 : undefined);

  it('a docker container: name, image, compose labels', () => {
    const o = decideOwner({ hints: [hint('docker-cgroupfs-v1.txt')], ipNetnsNames: [], docker });
    expect(o).toEqual({
      runtime: 'docker',
      name: 'web1',
      id: web1.id,
      image: 'nginx:1.27',
      compose: { project: 'shop', service: 'web' },
    });
    expect(ownerLabel(o!)).toBe('web1 (docker, nginx:1.27)');
    expect(netnsDisplayName({ inode: 1, name: undefined, owner: o })).toBe('web1 (docker, nginx:1.27)');
  });
  it('docker engine unreachable: the short id, no image', () => {
    expect(decideOwner({ hints: [hint('docker-systemd-v2.txt')], ipNetnsNames: [] })).toEqual({
      runtime: 'docker',
      name: '34048520ee4d',
      id: '34048520ee4dcc79b692911aeb87c104e8f3d9b5a99aa269fa1f2b5a3fcfd1fd',
    });
  });
  it('two docker containers sharing a netns (--network container:) list both, the lowest pid names it', () => {
    const o = decideOwner({
      hints: [hint('docker-cgroupfs-v1.txt'), hint('docker-systemd-v2.txt'), hint('docker-cgroupfs-v1.txt')],
      ipNetnsNames: [],
      docker,
    });
    expect(o?.name).toBe('web1');
    expect(o?.containers).toEqual(['web1', '34048520ee4d']);
  });
  it('a pod sandbox with several containers is named by the pod', async () => {
    const kube = await readKubeNodeIndex(nodeRoot);
    const o = decideOwner({
      hints: [undefined, hint('k8s-containerd-systemd-v2.txt'), hint('k8s-cgroupfs-v1.txt')],
      ipNetnsNames: [],
      kube,
    });
    expect(o).toEqual({
      runtime: 'kubernetes',
      name: 'shop/cart-7d9f',
      pod: { namespace: 'shop', name: 'cart-7d9f', uid: '55c6c714-b240-4dec-9a45-57b61696ab6e' },
      id: '2032491dcae31e6746f47daa0ac74564f2843a1bd847c5e6c4eb501ca132ac36',
      engine: 'containerd',
      containers: ['cart', 'istio-proxy'],
    });
    expect(ownerLabel(o!)).toBe('shop/cart-7d9f (pod)');
  });
  it('CRI-O static and kind pods resolve through the same index', async () => {
    const kube = await readKubeNodeIndex(nodeRoot);
    expect(decideOwner({ hints: [hint('k8s-crio-systemd-v1.txt')], ipNetnsNames: [], kube })?.name).toBe(
      'kube-system/calico-node-hx7cw',
    );
    expect(decideOwner({ hints: [hint('k8s-static-pod-systemd-v2.txt')], ipNetnsNames: [], kube })?.name).toBe(
      'kube-system/etcd-node1',
    );
    expect(decideOwner({ hints: [hint('k8s-in-docker-crio-v2.txt')], ipNetnsNames: [], kube })?.name).toBe(
      'default/sleeper',
    );
  });
  it('a pod the kubelet has no logs for keeps its UID', () => {
    const o = decideOwner({ hints: [hint('k8s-crio-pause-systemd-v2.txt')], ipNetnsNames: [], kube: undefined });
    expect(o).toMatchObject({
      runtime: 'kubernetes',
      name: 'pod-2ca4a155-3599-498d-bb9d-4446693fa3ea',
      engine: 'cri-o',
    });
    expect(o?.pod).toBeUndefined();
  });
  it('podman containers, by engine metadata or short id', () => {
    const podman = (id: string): EngineContainer | undefined =>
      id.startsWith('a2bc') ? { id, name: 'db', image: 'docker.io/library/postgres:16', labels: {} } : undefined;
    expect(ownerLabel(decideOwner({ hints: [hint('podman-systemd-v2.txt')], ipNetnsNames: [], podman })!)).toBe(
      'db (podman, docker.io/library/postgres:16)',
    );
    expect(decideOwner({ hints: [hint('podman-pod-v2.txt')], ipNetnsNames: [] })?.name).toBe('1dadda571b14');
  });
  it('a systemd service with PrivateNetwork=, unless the netns has an ip netns name', () => {
    expect(decideOwner({ hints: [hint('systemd-service-v2.txt')], ipNetnsNames: [] })).toEqual({
      runtime: 'systemd',
      name: 'nginx.service',
      unit: 'nginx.service',
    });
    expect(decideOwner({ hints: [hint('systemd-service-v2.txt')], ipNetnsNames: ['blue'] })).toBeUndefined();
    expect(decideOwner({ hints: [hint('docker-cgroupfs-v1.txt')], ipNetnsNames: ['blue'], docker })?.name).toBe('web1');
  });
  it('unknown owners keep the inode', () => {
    expect(
      decideOwner({ hints: [hint('user-session-v2.txt'), hint('sandbox-v1.txt'), undefined], ipNetnsNames: [] }),
    ).toBeUndefined();
    expect(netnsDisplayName({ inode: 4026532281, name: undefined })).toBe('netns:4026532281');
    expect(netnsDisplayName({ inode: 4026532281, name: 'blue' })).toBe('blue');
  });
});

describe('matchOwner (--netns words)', () => {
  const own = [
    {
      inode: 1,
      owner: {
        runtime: 'docker' as const,
        name: 'web1',
        id: 'df6eec637ad85113ab11cfbf557c746bc06dda752f1b9f3e9b9be6f1db7b72b9',
        image: 'nginx:1.27',
      },
    },
    {
      inode: 2,
      owner: {
        runtime: 'docker' as const,
        name: 'web2',
        id: 'df6e0000000000000000000000000000000000000000000000000000000000aa',
      },
    },
    {
      inode: 3,
      owner: {
        runtime: 'kubernetes' as const,
        name: 'shop/cart-7d9f',
        pod: { namespace: 'shop', name: 'cart-7d9f', uid: 'u' },
      },
    },
    { inode: 4, owner: { runtime: 'systemd' as const, name: 'nginx.service', unit: 'nginx.service' } },
    { inode: 5, owner: { runtime: 'podman' as const, name: 'web1', id: 'aa'.repeat(32) } },
  ];
  it('selects by name, runtime:name, pod, unit and id prefix', () => {
    expect(matchOwner('docker:web1', own)).toMatchObject({ kind: 'one', netns: { inode: 1 } });
    expect(matchOwner('podman:web1', own)).toMatchObject({ kind: 'one', netns: { inode: 5 } });
    expect(matchOwner('web2', own)).toMatchObject({ kind: 'one', netns: { inode: 2 } });
    expect(matchOwner('pod:shop/cart-7d9f', own)).toMatchObject({ kind: 'one', netns: { inode: 3 } });
    expect(matchOwner('cart-7d9f', own)).toMatchObject({ kind: 'one', netns: { inode: 3 } });
    expect(matchOwner('nginx', own)).toMatchObject({ kind: 'one', netns: { inode: 4 } });
    expect(matchOwner('nginx.service', own)).toMatchObject({ kind: 'one', netns: { inode: 4 } });
    expect(matchOwner('df6eec63', own)).toMatchObject({ kind: 'one', netns: { inode: 1 } });
  });
  it('ambiguous names and prefixes list the candidates', () => {
    const m = matchOwner('web1', own);
    expect(m.kind).toBe('ambiguous');
    expect(m.kind === 'ambiguous' && m.candidates.map((c) => c.inode)).toEqual([1, 5]);
    expect(matchOwner('df6e', own).kind).toBe('ambiguous');
  });
  it('unknown names come with close matches', () => {
    expect(matchOwner('web3', own)).toEqual({ kind: 'none', close: ['docker:web1', 'docker:web2', 'podman:web1'] });
    expect(matchOwner('docker:cart', own)).toEqual({ kind: 'none', close: [] });
    expect(matchOwner('pod:cart-7d9', own)).toEqual({ kind: 'none', close: ['pod:shop/cart-7d9f'] });
  });
});
