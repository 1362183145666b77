// Public API of the kernel probes: program building, the live source, and the line decoder.
export * from '../../model/probe-batch.js';
export { BatchDecoder, isAttachedLine, isTickLine, type DecoderStats, type ReasonTables } from './decode.js';
export {
  PROBES_DIR,
  TICK_MARKER,
  DETAIL_MARKER,
  assembleProgram,
  buildProgram,
  loadProbePieces,
  loadProbePiecesSync,
  parsePiece,
  requirementMet,
  type AssembledProgram,
  type ProbePiece,
  type ProbeProgram,
} from './program.js';
export { DEFAULT_DETAIL_CAP, programArgs, type ProbeParams } from './params.js';
export { DEFAULT_BACKOFF_MS, probeInputs$, reasonTables, type ProbeSourceOptions } from './source.js';
export {
  runBpftrace,
  runningBpftracePids,
  whenBpftraceStopped,
  type RunOptions,
  type RunnerEvent,
} from '../bpftrace/runner.js';
export { parseLine, type BadLine, type BpftraceEvent } from '../bpftrace/parse.js';
