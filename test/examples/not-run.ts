// The examples the runner does not execute, each with why. Keep this list short: an example that can run must run.
// An entry that matches no example any more fails the runner (stale entries are removed, never kept "just in case").
export const NOT_RUN: ReadonlyArray<{ command: string; reason: string }> = [
  {
    command: 'sudo scripts/setup.sh top',
    reason: 'installs packages and rebuilds the checkout the tests run from (CI runs it: .ci/run)',
  },
  {
    command: 'sudo scripts/setup.sh test',
    reason: 'runs the whole test suite, this runner included (CI runs it: .ci/run)',
  },
  {
    command: 'tcpscope alerts export',
    reason: 'a command name in prose (docs/deploy.md table); its examples with --format run',
  },
  {
    command: 'tcpscope watch --alert/--alerts',
    reason: 'two flags named in prose (docs/deploy.md), not a command line',
  },
  {
    command: 'sudo install -m 0644 deploy/systemd/tcpscope.service /etc/systemd/system/tcpscope.service',
    reason: 'installs into the host systemd; the unit is checked by test/fleet/deploy.test.ts (systemd-analyze verify)',
  },
  {
    command: 'sudo systemctl daemon-reload && sudo systemctl enable --now tcpscope',
    reason: "needs systemd as PID 1 (not on the test machines); the unit's command runs in test/fleet/deploy.test.ts",
  },
  {
    command: 'systemd-analyze security tcpscope',
    reason: 'needs the installed unit; test/fleet/deploy.test.ts runs systemd-analyze security --offline on it',
  },
  {
    command: 'kubectl apply -f deploy/kubernetes/tcpscope.yaml',
    reason: 'needs a Kubernetes cluster; the manifest and its args are checked by test/fleet/deploy.test.ts',
  },
  {
    command: 'kubectl apply -f deploy/kubernetes/prometheusrule.yaml',
    reason: 'needs a Kubernetes cluster with the Prometheus Operator; test/fleet/deploy.test.ts checks the rules',
  },
  {
    command: 'npm run test:kernels',
    reason: 'boots 5.10 and 6.1 under QEMU TCG (~25 min, known failures: docs/kernels.md); run by hand',
  },
  {
    command: 'npm run kernels:table',
    reason: 'reads the last test:kernels run (not run here)',
  },
  {
    command: 'npm run kernels:fixtures',
    reason: 'reads the last test:kernels run (not run here)',
  },
  {
    command: 'curl -s 127.0.0.1:9464/metrics | grep listen_overflows',
    reason:
      'scrapes the serve of the line before, which the runner stops first; test/kernel/export-lab.test.ts scrapes a live serve',
  },
  {
    command: 'sudo tcpscope top --netns docker:web1',
    reason:
      'needs a Docker container named web1; test/integration/docker-names.test.ts selects a lab container by docker:NAME',
  },
  {
    command: 'sudo tcpscope top --netns 42311d58a622',
    reason: 'needs that container; test/integration/docker-names.test.ts selects a lab container by an id prefix',
  },
  {
    command: 'sudo tcpscope top --netns pod:shop/cart-7d9f',
    reason: 'needs a Kubernetes node; pod names are tested with kubelet fixtures (test/unit/kernel/runtimes)',
  },
  {
    command: 'sudo tcpscope top --netns nginx.service',
    reason: 'needs a systemd service with PrivateNetwork= (no systemd here); tested with cgroup fixtures',
  },
  {
    command: 'DOCKER_HOST=unix:///run/user/1000/docker.sock sudo -E tcpscope netns',
    reason:
      'needs a rootless Docker socket; test/integration/docker-names.test.ts passes DOCKER_HOST of its own dockerd',
  },
  {
    command: 'scripts/kernels/run 5.10 -- node dist/cli/main.js doctor --json',
    reason:
      'boots a VM whose /tmp is its own (a checkout under /tmp is not visible in it); npm run test:kernels runs it',
  },
  {
    command: 'scripts/kernels/run 6.1 -- uname -r',
    reason: 'boots a VM (see above); npm run test:kernels runs the documented run examples',
  },
];
