// Every fixture of test/fixtures/runtimes/cgroup resolves to the owner its runtime and driver encode.
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  cgroupPaths,
  hintFromProcCgroup,
  parseCgroupPath,
  type CgroupHint,
} from '../../../../src/kernel/runtimes/index.js';

const dir = new URL('../../../fixtures/runtimes/cgroup/', import.meta.url);
const read = (f: string): string => readFileSync(new URL(f, dir), 'utf8');

const EXPECTED: Record<string, CgroupHint | undefined> = {
  'docker-cgroupfs-v1.txt': { kind: 'docker', id: 'df6eec637ad85113ab11cfbf557c746bc06dda752f1b9f3e9b9be6f1db7b72b9' },
  'docker-systemd-v1.txt': { kind: 'docker', id: '34048520ee4dcc79b692911aeb87c104e8f3d9b5a99aa269fa1f2b5a3fcfd1fd' },
  'docker-systemd-v2.txt': { kind: 'docker', id: '34048520ee4dcc79b692911aeb87c104e8f3d9b5a99aa269fa1f2b5a3fcfd1fd' },
  'k8s-containerd-systemd-v2.txt': {
    kind: 'kubernetes',
    podUid: '55c6c714-b240-4dec-9a45-57b61696ab6e',
    containerId: '2032491dcae31e6746f47daa0ac74564f2843a1bd847c5e6c4eb501ca132ac36',
    engine: 'containerd',
  },
  'k8s-containerd-guaranteed-systemd-v2.txt': {
    kind: 'kubernetes',
    podUid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    containerId: '7dea796eb5d6826a85978fa316612874aa3d576ac576495bed83d77fbc9dc744',
    engine: 'containerd',
  },
  'k8s-static-pod-systemd-v2.txt': {
    kind: 'kubernetes',
    podUid: '8daa50c3a64c9ff60bb9eab7b44b56fd',
    containerId: '2884d57c0e100d7a9a2f9487ce0bc2986bca3430e988af7a4865aff061f51ac5',
    engine: 'containerd',
  },
  'k8s-crio-systemd-v1.txt': {
    kind: 'kubernetes',
    podUid: 'a5c1f8d5-1919-434d-add7-4afaafdaef89',
    containerId: '5eed917563583925ffdbd40a64efb2aaffe58638e57add8becaf460fe74f5b1c',
    engine: 'cri-o',
  },
  'k8s-crio-pause-systemd-v2.txt': {
    kind: 'kubernetes',
    podUid: '2ca4a155-3599-498d-bb9d-4446693fa3ea',
    containerId: '0ba8ac17e4e7a31fb82279503552fe94e64bab4745bf6fd2ff231e7c8ca8bed0',
    engine: 'cri-o',
  },
  'k8s-in-docker-crio-v2.txt': {
    kind: 'kubernetes',
    podUid: 'ae7a96fb-2bdc-46b0-96e2-78e4af94847b',
    containerId: '89e8f450417b56acf3089925dfd8f050dd50e950e18cfe83ea923269df601102',
    engine: 'cri-o',
  },
  'k8s-cgroupfs-v1.txt': {
    kind: 'kubernetes',
    podUid: '55c6c714-b240-4dec-9a45-57b61696ab6e',
    containerId: '7bd5db88ae6e5e52e941a2709ed9c18d7572f32db6ea44e8afe783227711151a',
    engine: undefined,
  },
  'k8s-cgroupfs-guaranteed-v2.txt': {
    kind: 'kubernetes',
    podUid: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
    containerId: '484b78324bb363a0cc93d136431e2005ceac970d035aaeec4ad6bfb6848a7b51',
    engine: undefined,
  },
  'podman-systemd-v1.txt': { kind: 'podman', id: '2521e906f0a0c758c3a7dc4fd68c197e32e96abb4b36807d0b0ede6d014a7c24' },
  'podman-systemd-v2.txt': { kind: 'podman', id: 'a2bc7b153f034b17f358cde43a7f8c7475147e8a0d1b2573c26473244ec44ce4' },
  'podman-user-v2.txt': { kind: 'podman', id: 'cf21d19260ace8544fe8b769fc2638bf2c0873dfbfff0b6253f0569b26a1d5eb' },
  'podman-pod-v2.txt': {
    kind: 'podman',
    id: '1dadda571b14eefb3158a15d0fff7e0089f9dd92f922679ed0116cccdfe8bb0f',
    podId: 'ddf44d54b520f0b4469fcd01c3155ca49e6911dc2175471eb3a7b789187a7a89',
  },
  'podman-cgroupfs-v1.txt': { kind: 'podman', id: '0411a2a82311fbc65b137ca550d5f7e6b6863bc734759be2f515b0b67062d49a' },
  // conmon is a host-side monitor, not the container: systemd sees a scope, which is no owner.
  'podman-conmon-v2.txt': undefined,
  'systemd-service-v1.txt': { kind: 'systemd', unit: 'tslab-private.service' },
  'systemd-service-v2.txt': { kind: 'systemd', unit: 'nginx.service' },
  'systemd-template-v2.txt': { kind: 'systemd', unit: 'getty@tty1.service' },
  'user-session-v2.txt': undefined,
  'host-init-v2.txt': undefined,
  'sandbox-v1.txt': undefined,
};

describe('cgroup paths of each runtime and driver', () => {
  it('has an expectation for every fixture file', () => {
    expect(readdirSync(dir).sort()).toEqual(Object.keys(EXPECTED).sort());
  });
  for (const [file, want] of Object.entries(EXPECTED)) {
    it(file, () => {
      expect(hintFromProcCgroup(read(file))).toEqual(want);
    });
  }
});

describe('cgroupPaths', () => {
  it('orders v2 first, then name=systemd, then v1 controllers, skipping root paths', () => {
    const text = '5:memory:/a\n1:name=systemd:/b\n0::/c\n3:cpu:/\n';
    expect(cgroupPaths(text)).toEqual(['/c', '/b', '/a']);
  });
  it('prefers a container in any hierarchy over a service in the unified one (hybrid hosts)', () => {
    const id = 'ab'.repeat(32);
    expect(hintFromProcCgroup(`0::/system.slice/containerd.service\n4:memory:/docker/${id}\n`)).toEqual({
      kind: 'docker',
      id,
    });
  });
  it('rejects ids that are not 64 hex chars', () => {
    expect(parseCgroupPath('/docker/abc123')).toBeUndefined();
    expect(parseCgroupPath(`/system.slice/docker-${'g'.repeat(64)}.scope`)).toBeUndefined();
  });
});
