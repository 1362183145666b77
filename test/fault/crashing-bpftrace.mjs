#!/usr/bin/env node
// Fake bpftrace for the fault suite (TCPSCOPE_BPFTRACE): answers --version, attaches, ticks once, then crashes.
if (process.argv.includes('--version')) {
  process.stdout.write('bpftrace v0.17.0\n');
  process.exit(0);
}
process.stdout.write('{"type": "attached_probes", "data": {"probes": 7}}\n');
process.stdout.write('{"type": "printf", "data": "@@tick 1\\n"}\n');
setTimeout(() => {
  process.stderr.write('Segmentation fault\n');
  process.exit(139);
}, 200);
