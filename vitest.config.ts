import { defineConfig } from 'vitest/config';

// Kernel and lab tests spawn bpftrace and namespaces: give them time, and keep two workers (2-core machine).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
  },
});
