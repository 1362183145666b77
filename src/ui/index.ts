// The dashboard sink's public surface: build one on a screen, or run one on a session with the whole lifecycle.
export {
  createDashboard,
  noColorRequested,
  type Dashboard,
  type DashboardHandlers,
  type DashboardOptions,
  type NetnsChoice,
} from './dashboard.js';
export { runDashboard, type RunDashboardOptions, type SessionChange } from './run.js';
export { createTerminalScreen } from './terminal-screen.js';
export { assertTerminal } from './terminal.js';
export type { AlertNotice } from './model/findings.js';
export { createOverview, type Overview, type OverviewOptions, type NetnsAlert } from './overview.js';
export { runOverview, type HostSessionLike, type RunOverviewOptions } from './run-overview.js';
