// Public API of the sysctl catalog, reader and change detection.
export { SYSCTLS, sysctlPath, sysctlName, normalizeSysctlValue, type SysctlSpec, type SysctlUnit } from './catalog.js';
export { readSysctls, parseGrepH, type SysctlRead } from './read.js';
export { diffSysctls } from './diff.js';
