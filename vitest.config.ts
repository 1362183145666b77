import { defineConfig } from 'vitest/config';

// Kernel and lab tests spawn bpftrace and namespaces: give them time. One file at a time: whole-host tests (and the
// example runner) watch every netns of the host, so another file's lab namespaces running beside them would be in
// their numbers and rankings.
// The kernel matrix (test/kernels, booted VMs) has its own config and command: npm run test:kernels.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/kernels/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['default'],
  },
});
