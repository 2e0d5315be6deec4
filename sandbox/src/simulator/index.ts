import { randomBytes } from 'crypto';
import http from 'http';
import type { AddressInfo, Socket } from 'net';
import { CONTROL_PREFIX, handleControlRequest } from './control-api';
import { SimulatorCore } from './core';
import type { OracleVerdict } from './oracle';
import type { RuntimeOptions } from './runtime-options';
import type { SimulatorStats } from './stats';
import type {
  AddCallInput,
  AddMessagingTaskInput,
  AddTaskInput,
  CallView,
  ConversationView,
  InteractionChannelView,
  StateSummary,
  TaskView,
} from './views';
import type { SandboxUserName } from './defaults';
import {
  CONTROL_SECRET_HEADER,
  SANDBOX_ACCOUNT_SID,
  SANDBOX_API_KEY_SECRET,
  SANDBOX_API_KEY_SID,
  SANDBOX_AUTH_TOKEN,
  SANDBOX_WORKSPACE_SID,
} from './defaults';
import { sendJson } from './http';
import type {
  AssignmentStatus,
  CallFetchLogEntry,
  CallStatus,
  ChannelUpdateLogEntry,
  ConversationState,
  MessagingFetchLogEntry,
  InteractionChannelStatus,
  TaskKind,
  UpdateLogEntry,
} from './model';
import type { ScenarioOptions, SeedSummary } from './scenario';
import type { TokenUser, TokenValidationResult } from './tokens';
import { handleTwilioRequest } from './twilio-api';
import type { AddClosureInput, EventView } from './history';
import type { AddConversationInput } from './orphans';

export * from './defaults';
export type { ScenarioOptions, SeedSummary } from './scenario';
export { CONVERSATIONS_ATTRIBUTES_TEXT, DEFAULT_TASK_QUEUES, MESSAGING_CASES, WRAP_UP_LADDER } from './scenario';
export type { MessagingKind } from './scenario';
export type { TokenUser, TokenValidationResult } from './tokens';
export { TOKEN_EXPIRED_CODE, TOKEN_INVALID_CODE } from './tokens';
export type {
  AddCallInput,
  AddMessagingTaskInput,
  AddTaskInput,
  CallView,
  ConversationView,
  InteractionChannelView,
  LegView,
  ReservationView,
  StateSummary,
  TaskView,
} from './views';
export type { OracleVerdict } from './oracle';
export type { RuntimeOptions } from './runtime-options';
export type { RequestKind, SimulatorStats } from './stats';
export type { OtherTrafficStats } from './other-traffic';
export { CONCURRENT_REQUESTS_HEADER } from './twilio-api';
export { ControlError } from './control-error';
export { DEFAULT_RUNTIME_OPTIONS } from './runtime-options';
export { REQUEST_KINDS } from './stats';
export type {
  CallFetchLogEntry,
  ChannelUpdateLogEntry,
  MessagingFetchLogEntry,
  UpdateLogEntry,
  TaskKind,
} from './model';
export { CONTROL_PREFIX } from './control-api';
export { isoDate, rfc2822Date } from './render';
export type { AddClosureInput, EventView, HistoryOptions } from './history';
export { HISTORY_IDENTITIES, OTHER_CLOSE_REASONS } from './history';
export { EVENT_RETENTION_MS } from './events';
export type { AddConversationInput } from './orphans';
export { ORPHAN_LADDER, SANDBOX_ORPHAN_CONVERSATIONS } from './orphans';

/** How often the other traffic is brought up to date while no request arrives. */
const OTHER_TRAFFIC_TICK_MS = 20;

export interface SimulatorOptions extends Partial<RuntimeOptions> {
  /** 0 (default) = a random free port; the host is always 127.0.0.1. */
  port?: number;
  accountSid?: string;
  authToken?: string;
  workspaceSid?: string;
  /** API key pairs accepted for Basic auth; default the sandbox key. */
  apiKeys?: { sid: string; secret: string }[];
  /** Same seed and scenario, same workspace. Default 1. */
  seed?: number | string;
  scenario?: ScenarioOptions;
  /** Time source (ms since epoch) for dates, ages, TTLs and token expiry. Default Date.now. */
  clock?: () => number;
  /** Secret the control API (`/_sim/…`) requires in X-Sim-Control-Secret. Default: random per start. */
  controlSecret?: string;
  /**
   * Real time (ms) the Interactions rate limit counts its second by. Default performance.now; tests
   * pass one they move themselves, so the limit does not depend on the machine's speed.
   */
  rateClock?: () => number;
}

export interface Simulator {
  /** Base URL serving every Twilio path, e.g. `http://127.0.0.1:4010` (the TWILIO_API_BASE_URL). */
  readonly url: string;
  readonly port: number;
  readonly accountSid: string;
  readonly authToken: string;
  readonly workspaceSid: string;
  readonly apiKeySid: string;
  readonly apiKeySecret: string;
  /** Per-run secret for the control API over HTTP: send it in the X-Sim-Control-Secret header. */
  readonly controlSecret: string;
  /** The headers a control request over HTTP needs: `{'X-Sim-Control-Secret': controlSecret}`. */
  readonly controlHeaders: Readonly<Record<string, string>>;
  /** What the last seeding produced. */
  readonly seedSummary: SeedSummary;

  issueToken(user: TokenUser): string;
  issueSandboxToken(name: SandboxUserName, ttlSeconds?: number): string;
  validateToken(token: string): TokenValidationResult;

  summary(): StateSummary;
  listTasks(filter?: { status?: readonly AssignmentStatus[]; verdict?: OracleVerdict; kind?: TaskKind }): TaskView[];
  getTask(taskSid: string): TaskView | null;
  listCalls(filter?: { status?: readonly CallStatus[] }): CallView[];
  getCall(callSid: string): CallView | null;

  endCall(callSid: string, status?: CallStatus, endedAt?: number): CallView;
  reviveCall(callSid: string, status?: CallStatus): CallView;
  reserveTask(taskSid: string, workerSid?: string): TaskView;
  acceptTask(taskSid: string, workerSid?: string): TaskView;
  /** `wrappedSecondsAgo` backdates the wrap-up start (date_updated), e.g. to make it overdue. */
  wrapTask(taskSid: string, wrappedSecondsAgo?: number): TaskView;
  /** A change that is no status move: new ETag, date_updated = now − updatedSecondsAgo (default now). */
  touchTask(taskSid: string, updatedSecondsAgo?: number): TaskView;
  /** An integration rewrites the attributes (any text): new ETag and date_updated. */
  setTaskAttributes(taskSid: string, attributes: string): TaskView;
  /** Ends / revives the call of a task's leg by role (`call_sid`, `customer`, `worker`…). */
  endLeg(taskSid: string, role: string, status?: CallStatus, endedAt?: number): TaskView;
  reviveLeg(taskSid: string, role: string, status?: CallStatus): TaskView;
  closeTask(taskSid: string, status?: 'completed' | 'canceled', reason?: string): TaskView;
  deleteTask(taskSid: string): boolean;
  addTask(input: AddTaskInput): TaskView;
  addCall(input: AddCallInput): CallView;
  /** A messaging task with its conversation and interaction channel (see AddMessagingTaskInput). */
  addMessagingTask(input?: AddMessagingTaskInput): TaskView;
  /** A customer or Flex changes a conversation's state (reopening clears date_closed). */
  setConversationState(conversationSid: string, state: ConversationState, closedSecondsAgo?: number): void;
  /** The conversation answers 404 from now on. */
  deleteConversation(conversationSid: string): boolean;
  /** A conversation no task names (a reverse orphan when active or inactive and idle); its SID. */
  addConversation(input?: AddConversationInput): string;
  /** An agent pauses or transfers a channel (no side effects on tasks). */
  setInteractionChannelStatus(channelSid: string, status: InteractionChannelStatus): void;
  /** A conversation as it is now (ISO dates); null once deleted. */
  getConversation(conversationSid: string): ConversationView | null;
  /** An interaction channel as it is now, with the open tasks naming it; null when unknown. */
  getInteractionChannel(channelSid: string): InteractionChannelView | null;
  /** Every interaction channel update applied through the API, oldest first. */
  channelUpdateLog(sinceSeq?: number): ChannelUpdateLogEntry[];
  /** Every conversation and channel fetch answered from the state (same counter as the update logs). */
  messagingFetchLog(sinceSeq?: number): MessagingFetchLogEntry[];

  /** Every status change, API and control, oldest first; `sinceSeq` returns only later ones. */
  updateLog(sinceSeq?: number): UpdateLogEntry[];
  /**
   * Every call fetch answered from the state, oldest first; `seq` comes from the update log's counter,
   * so the last fetch of a call before an update is the one with the greatest `seq` below the update's.
   */
  callFetchLog(sinceSeq?: number): CallFetchLogEntry[];
  /** TaskRouter's events still kept (30 days), oldest first; `type` keeps one type (`task.canceled`…). */
  listEvents(filter?: { type?: string }): EventView[];
  /** Adds a closure event in the past (the history of a task that no longer exists). */
  addClosureEvent(input: AddClosureInput): EventView;
  /** The counts; the other traffic brought up to the clock's now first. */
  stats(): SimulatorStats;
  resetStats(): void;
  /** Brings the other traffic up to the clock's now (tests on a manual clock call it after moving it). */
  advanceOtherTraffic(): void;
  config(): RuntimeOptions;
  configure(options: Partial<RuntimeOptions>): RuntimeOptions;
  /** Re-seeds the workspace (same seed/scenario when omitted), clears the update log and stats. */
  reset(seed?: number | string, scenario?: ScenarioOptions): SeedSummary;
  stop(): Promise<void>;
}

/** Starts the Twilio simulator on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const {
    port = 0,
    accountSid = SANDBOX_ACCOUNT_SID,
    authToken = SANDBOX_AUTH_TOKEN,
    workspaceSid = SANDBOX_WORKSPACE_SID,
    apiKeys = [{ sid: SANDBOX_API_KEY_SID, secret: SANDBOX_API_KEY_SECRET }],
    seed = 1,
    scenario = {},
    clock = Date.now,
    controlSecret = randomBytes(24).toString('base64url'),
    rateClock,
    ...runtime
  } = options;
  if (controlSecret.length < 16) throw new Error('controlSecret must be at least 16 characters');
  if (!/^AC[0-9a-f]{32}$/i.test(accountSid))
    throw new Error(`accountSid must be AC + 32 hex digits, got ${accountSid}`);
  if (!/^WS[0-9a-f]{32}$/i.test(workspaceSid)) {
    throw new Error(`workspaceSid must be WS + 32 hex digits, got ${workspaceSid}`);
  }
  if (!authToken) throw new Error('authToken must not be empty');
  const core = new SimulatorCore(accountSid, authToken, workspaceSid, clock, seed, scenario, runtime);
  core.apiKeys = apiKeys;
  if (rateClock) core.rateClock = rateClock;

  let baseUrl = '';
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const isControl = (req.url ?? '').startsWith(CONTROL_PREFIX);
    const handled = isControl
      ? handleControlRequest(core, baseUrl, controlSecret, req, res)
      : handleTwilioRequest(core, baseUrl, req, res);
    handled.catch((error: unknown) => {
      if (!res.headersSent) {
        sendJson(res, 500, { code: 20500, message: `Simulator failure: ${(error as Error).message}`, status: 500 });
      } else {
        res.destroy();
      }
    });
  });
  server.keepAliveTimeout = 5000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;

  // Between requests the other traffic still comes and goes; answers bring it up to date anyway,
  // this only keeps its counts moving while the tool is idle. Tests drive it by their clock.
  const otherTrafficTimer = setInterval(() => {
    if (core.config.otherTrafficMean > 0) core.advanceOtherTraffic();
  }, OTHER_TRAFFIC_TICK_MS);
  otherTrafficTimer.unref();

  let stopped: Promise<void> | null = null;
  return {
    url: baseUrl,
    port: address.port,
    accountSid,
    authToken,
    workspaceSid,
    apiKeySid: apiKeys[0]?.sid ?? SANDBOX_API_KEY_SID,
    apiKeySecret: apiKeys[0]?.secret ?? SANDBOX_API_KEY_SECRET,
    controlSecret,
    controlHeaders: Object.freeze({ [CONTROL_SECRET_HEADER]: controlSecret }),
    get seedSummary() {
      return core.seedSummary;
    },
    issueToken: (user) => core.issueToken(user),
    issueSandboxToken: (name, ttlSeconds) => core.issueSandboxToken(name, ttlSeconds),
    validateToken: (token) => core.validateToken(token),
    summary: () => core.summary(),
    listTasks: (filter) => core.listTasks(filter),
    getTask: (taskSid) => core.getTask(taskSid),
    listCalls: (filter) => core.listCalls(filter),
    getCall: (callSid) => core.getCall(callSid),
    endCall: (callSid, status, endedAt) => core.endCall(callSid, status, endedAt),
    reviveCall: (callSid, status) => core.reviveCall(callSid, status),
    reserveTask: (taskSid, workerSid) => core.reserveTask(taskSid, workerSid),
    acceptTask: (taskSid, workerSid) => core.acceptTask(taskSid, workerSid),
    wrapTask: (taskSid, wrappedSecondsAgo) => core.wrapTask(taskSid, wrappedSecondsAgo),
    touchTask: (taskSid, updatedSecondsAgo) => core.touchTask(taskSid, updatedSecondsAgo),
    setTaskAttributes: (taskSid, attributes) => core.setTaskAttributes(taskSid, attributes),
    endLeg: (taskSid, role, status, endedAt) => core.endLeg(taskSid, role, status, endedAt),
    reviveLeg: (taskSid, role, status) => core.reviveLeg(taskSid, role, status),
    closeTask: (taskSid, status, reason) => core.closeTask(taskSid, status, reason),
    deleteTask: (taskSid) => core.deleteTask(taskSid),
    addTask: (input) => core.addTask(input),
    addCall: (input) => core.addCall(input),
    addMessagingTask: (input) => core.addMessagingTask(input),
    setConversationState: (conversationSid, state, closedSecondsAgo) =>
      core.setConversationState(conversationSid, state, closedSecondsAgo),
    deleteConversation: (conversationSid) => core.deleteConversation(conversationSid),
    addConversation: (input) => core.addConversation(input),
    setInteractionChannelStatus: (channelSid, status) => core.setInteractionChannelStatus(channelSid, status),
    getConversation: (conversationSid) => core.getConversation(conversationSid),
    getInteractionChannel: (channelSid) => core.getInteractionChannel(channelSid),
    channelUpdateLog: (sinceSeq) => core.channelUpdateLog(sinceSeq),
    messagingFetchLog: (sinceSeq) => core.messagingFetchLog(sinceSeq),
    updateLog: (sinceSeq) => core.updateLog(sinceSeq),
    callFetchLog: (sinceSeq) => core.callFetchLog(sinceSeq),
    listEvents: (filter) => core.listEvents(filter),
    addClosureEvent: (input) => core.addClosureEvent(input),
    stats: () => structuredClone(core.currentStats()),
    resetStats: () => core.resetStats(),
    advanceOtherTraffic: () => core.advanceOtherTraffic(),
    config: () => ({ ...core.config }),
    configure: (partial) => core.configure(partial),
    reset: (newSeed, newScenario) => core.reset(newSeed, newScenario),
    stop: () => {
      clearInterval(otherTrafficTimer);
      stopped ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        for (const socket of sockets) socket.destroy();
      });
      return stopped;
    },
  };
}
