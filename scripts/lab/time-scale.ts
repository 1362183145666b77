// Deadlines of the lab (and of the tests that drive it) stretch by TCPSCOPE_LAB_TIME_SCALE (default 1): inside an
// emulated kernel (scripts/kernels/run, QEMU TCG) every process start is many times slower. Only waits are scaled,
// never the protocol timings the scenarios measure.
export const TIME_SCALE = Math.max(1, Number(process.env.TCPSCOPE_LAB_TIME_SCALE) || 1);

/** A deadline of `ms` milliseconds on this machine. */
export const deadline = (ms: number): number => Math.round(ms * TIME_SCALE);
