// tcpscope Scenario lab: isolated netns pairs, real TCP traffic, ground truth from the kernel. See docs/lab.md.
export type { NetnsInfo, Topology, ScenarioName, ScenarioOptions, GroundTruth, NsTruth, ExecResult } from './types.js';
export { SCENARIOS } from './types.js';
export {
  createTopology,
  cleanupLeftovers,
  listLabNetns,
  checkPrerequisites,
  createdIds,
  NETNS_PREFIX,
  ADDR,
} from './topology.js';
export { runScenario, PORT, CLOSED_PORT } from './scenarios.js';
export {
  expectedSynSchedule,
  counterDeltas,
  parseSsCensus,
  parseProcPairs,
  parseSockstat,
  parseDuration,
} from './procfs.js';
export { ensureChurnBinary } from './agent.js';
