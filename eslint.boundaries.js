// The floors, as lint: a file may import its own floor and the floors below it, never one above.
// model <- kernel <- pipeline <- diagnose <- sinks (ui, record, alert, export) <- session <- cli, src/index.ts.
// Relative specifiers only (packages and node: builtins are never floors); see ARCHITECTURE.md.

/** Each floor and the folders above it (which it must not import). */
export const FLOORS = [
  {
    name: 'kernel',
    dirs: ['kernel'],
    above: ['pipeline', 'diagnose', 'ui', 'record', 'alert', 'export', 'session', 'cli'],
  },
  { name: 'pipeline', dirs: ['pipeline'], above: ['diagnose', 'ui', 'record', 'alert', 'export', 'session', 'cli'] },
  { name: 'diagnose', dirs: ['diagnose'], above: ['ui', 'record', 'alert', 'export', 'session', 'cli'] },
  { name: 'sinks', dirs: ['ui', 'record', 'alert', 'export'], above: ['session', 'cli'] },
  { name: 'session', dirs: ['session'], above: ['cli'] },
];

const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export const boundaries = [
  {
    // The ground floor imports nothing of the project: every specifier stays inside src/model.
    files: ['src/model/**/*.ts'],
    rules: restrict([
      { regex: '^\\.\\./', message: 'src/model is the ground floor: it imports nothing of the project.' },
    ]),
  },
  ...FLOORS.map((floor) => ({
    files: floor.dirs.map((d) => `src/${d}/**/*.ts`),
    rules: restrict([
      {
        regex: `^\\.{1,2}/(?:.*/)?(?:${floor.above.join('|')})(?:/|$)`,
        message: `${floor.name} may not import a floor above it (${floor.above.join(', ')}); see ARCHITECTURE.md.`,
      },
    ]),
  })),
];
