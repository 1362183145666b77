import { defineConfig } from 'vitest/config';

// Kernel and lab tests spawn bpftrace and namespaces: give them time, and keep two workers (2-core machine).
// The kernel matrix (test/kernels, booted VMs) has its own config and command: npm run test:kernels.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/kernels/**', '**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
