import { defineConfig } from 'vitest/config';

// npm run test:kernels: the kernel matrix boots one QEMU guest at a time (test/kernels/matrix.test.ts), so one
// worker; the boots happen in beforeAll, the checks after.
export default defineConfig({
  test: {
    include: ['test/kernels/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 3_000_000,
    maxWorkers: 1,
    reporters: ['default'],
  },
});
