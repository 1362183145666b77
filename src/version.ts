// Single source of the version string (kept equal to package.json by a unit test).
export const VERSION = '0.1.0';
