// The dashboard sink's public surface: build one on a screen, or run one on a session with the whole lifecycle.
export { createDashboard, noColorRequested, type Dashboard, type DashboardHandlers, type DashboardOptions, type NetnsChoice } from './dashboard.js';
export { runDashboard, assertTerminal, createTerminalScreen, type RunDashboardOptions, type SessionChange } from './run.js';
export type { AlertNotice } from './model/findings.js';
