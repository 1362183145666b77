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
];
