/**
 * The stuck-task engine: everything the Functions and the CLI do with Twilio goes through here.
 */
export { createEngineDeps } from './deps';
export type { EngineDeps, EngineDepsOptions, EngineLog } from './deps';
export { scanPage, DEFAULT_SCAN_DEADLINE_MS, DEFAULT_SCAN_PAGE_SIZE } from './scan';
export type { CallPlan, ScanOptions } from './scan';
export { historyPage, DEFAULT_HISTORY_DEADLINE_MS, DEFAULT_HISTORY_MAX_ENTRIES } from './history';
export type { HistoryOptions, HistoryRequestInput } from './history';
export { toHistoryEntry } from './historyRules';
export { orphanConversationsPage, DEFAULT_ORPHANS_DEADLINE_MS, DEFAULT_ORPHANS_MAX_SCANNED } from './orphans';
export type { OrphansOptions } from './orphans';
export { inspectTask, DEFAULT_INSPECT_DEADLINE_MS } from './inspect';
export { closeTasks, DEFAULT_CLOSE_DEADLINE_MS, DEFAULT_MAX_CHECK_AGE_MS, NOT_ATTEMPTED } from './close';
export type { CloseOptions, CloseRequestInput } from './close';
export { formatCloseReason, MAX_IDENTITY_LENGTH, parseClosedBy, sanitizeIdentity } from './closeReason';
export { closeAll, scanWorkspace } from './wholeWorkspace';
export type { CloseAllOptions, ScanWorkspaceOptions, WorkspaceScan } from './wholeWorkspace';
export { systemClock } from './clock';
export type { DeadlineClock } from './clock';
export { InvalidPageTokenError } from './errors';
export { UpstreamError } from '../gateway/errors';
export type { GatewayStats, TwilioGateway } from '../gateway/types';
