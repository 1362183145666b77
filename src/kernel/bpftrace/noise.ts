// bpftrace stderr lines that are not errors: shown to nobody (RLIMIT_MEMLOCK is irrelevant on kernels >= 5.11).
const HARMLESS = [/couldn't set RLIMIT_MEMLOCK/i, /^\s*$/];

export function isHarmlessStderr(line: string): boolean {
  return HARMLESS.some((re) => re.test(line));
}
