// tcpscope advise: a tuning plan from measured evidence (never writes a setting).
export type { AdviceReport } from './report.js';
export { buildPlan, type Plan } from './plan.js';
export { ProfileSet, type WorkloadProfile, type ListenerProfile } from './profile.js';
export type { Advice, Refusal } from './advice.js';
export { renderAdvice, ADVICE_FORMATS, type AdviceFormat } from './render.js';
