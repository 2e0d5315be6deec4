import pLimit from 'p-limit';
import { EndpointPace, type RequestPacer } from './requestPacer';
import pRetry from 'p-retry';
import type { z } from 'zod';
import {
  CALL_SID_PATTERN,
  CONVERSATION_SID_PATTERN,
  INTERACTION_CHANNEL_SID_PATTERN,
  INTERACTION_SID_PATTERN,
  OPEN_ASSIGNMENT_STATUSES,
  TASK_SID_PATTERN,
} from '@plugin-stuck-tasks/contract';
import type { CallStatus } from '@plugin-stuck-tasks/contract';
import { DEFAULT_ACCOUNT_CONCURRENCY_LIMIT, DEFAULT_CONCURRENCY_HEADROOM, fixedConcurrencyCap } from '../settings';
import type { Settings } from '../settings';
import { AdaptiveConcurrency, parseConcurrentRequests } from './adaptiveConcurrency';
import { DeadlineExceededError, UpstreamError } from './errors';
import { createHttpTransport, type SendRequest, type TransportResponse as TwilioResponse } from './httpTransport';
import {
  callListSchema,
  callSchema,
  eventListSchema,
  conversationListSchema,
  conversationSchema,
  interactionChannelSchema,
  reservationListSchema,
  taskListSchema,
  taskSchema,
  twilioErrorSchema,
} from './schemas';
import type {
  CallPage,
  ConversationPage,
  EventPage,
  GatewayStats,
  ListCursor,
  RequestBudget,
  RequestKind,
  TaskPage,
  TwilioGateway,
  TwilioReservation,
  UpdateChannelResult,
  UpdateTaskResult,
} from './types';

export const TASKROUTER_HOST = 'https://taskrouter.twilio.com';
export const API_HOST = 'https://api.twilio.com';
export const CONVERSATIONS_HOST = 'https://conversations.twilio.com';
export const FLEX_API_HOST = 'https://flex-api.twilio.com';

/** Twilio's limit on the Interactions API: 20 requests a second per endpoint per account. */
export const INTERACTIONS_REQUESTS_PER_SECOND = 20;

/**
 * Conversation SIDs per `EvaluateTaskAttributes` query. Each costs about 44 characters of the URL once
 * encoded (`'CH…'`, a comma, a space): 20 keep the whole request near 1.5 KB, far under the 8 KB many
 * proxies and servers accept, and a conversations page (at most 100) needs only 5 queries.
 */
export const MAX_CONVERSATIONS_PER_TASK_QUERY = 20;

/** The statuses of a task that still holds its conversation: open, or in wrap-up. */
const TASK_STATUSES_HOLDING_A_CONVERSATION: readonly string[] = [...OPEN_ASSIGNMENT_STATUSES, 'wrapping'];

/** Reservations of one task are few; more pages than this would be a runaway list. */
const MAX_RESERVATION_PAGES = 5;

export interface GatewayOptions {
  /**
   * Most Twilio requests in flight at once, shared by everything this gateway does: the fixed cap over
   * the adaptive window. Unset: `TWILIO_MAX_CONCURRENT_REQUESTS`, else accountLimit − headroom (the
   * window's own target, so the cap does not bind before the window does).
   */
  concurrency?: number;
  /** The account's concurrent request limit; the adaptive window keeps the account's total under it. */
  accountLimit?: number;
  /** Requests in flight left to everything else on the account: the window aims at accountLimit − headroom. */
  headroom?: number;
  /** Longest time one request may take, retries included. */
  maxRetryTimeMs?: number;
  /** Longest wait for one HTTP answer. */
  requestTimeoutMs?: number;
  /** Retries after the first attempt (429, 5xx, network errors only). */
  retries?: number;
  /** First backoff; doubles per retry, up to `maxBackoffMs`, each multiplied by a random 1-2 (jitter). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * Requests a second to each Interactions API endpoint (channel fetch, channel update), retries
   * included: Twilio allows 20 per endpoint per account.
   */
  interactionsPerSecond?: number;
}

export const DEFAULT_GATEWAY_OPTIONS: Required<GatewayOptions> = {
  // The adaptive window keeps the account's total (Twilio's count) at limit − headroom; the cap is
  // only a ceiling over it, by default the account limit (`fixedConcurrencyCap` says why).
  concurrency: DEFAULT_ACCOUNT_CONCURRENCY_LIMIT,
  accountLimit: DEFAULT_ACCOUNT_CONCURRENCY_LIMIT,
  headroom: DEFAULT_CONCURRENCY_HEADROOM,
  maxRetryTimeMs: 5_000,
  requestTimeoutMs: 5_000,
  retries: 8,
  minBackoffMs: 100,
  maxBackoffMs: 2_000,
  interactionsPerSecond: INTERACTIONS_REQUESTS_PER_SECOND,
};

interface RequestSpec {
  kind: RequestKind;
  /** Spaces this request's attempts out (the Interactions API's per-endpoint rate limit). */
  pace?: EndpointPace;
  method: 'get' | 'post';
  uri: string;
  params?: Record<string, string | number | string[]>;
  data?: Record<string, string>;
  headers?: Record<string, string>;
}

/** An answer or failure worth another attempt: 429, 5xx, or no answer at all. */
class RetryableFailure extends Error {
  constructor(
    readonly description: string,
    readonly status: number | null,
    readonly twilioCode: number | null,
  ) {
    super(description);
    this.name = 'RetryableFailure';
  }
}

/** The real gateway: Node's HTTP client (httpTransport.ts), paged, limited and retried here. */
export function createTwilioGateway(settings: Settings, options: GatewayOptions = {}): TwilioGateway {
  const accountLimit = options.accountLimit ?? settings.accountConcurrencyLimit;
  const headroom = options.headroom ?? settings.concurrencyHeadroom;
  const config = withDefaults({
    ...definedOnly(options),
    accountLimit,
    headroom,
    concurrency: fixedConcurrencyCap(
      {
        accountConcurrencyLimit: accountLimit,
        maxConcurrentRequests: settings.maxConcurrentRequests,
      },
      options.concurrency,
    ),
  });
  const send: SendRequest = createHttpTransport({
    username: settings.apiKey ? settings.apiKey.sid : settings.accountSid,
    password: settings.apiKey ? settings.apiKey.secret : settings.authToken,
    apiBaseUrl: settings.apiBaseUrl,
    maxSockets: config.concurrency,
    proxyUrl: settings.proxyUrl ?? null,
  });
  return buildGateway(settings, config, send);
}

/** Exposed for tests that need to drive the gateway with a scripted transport. */
export function buildGateway(
  settings: Pick<Settings, 'accountSid' | 'workspaceSid'>,
  config: Required<GatewayOptions>,
  send: SendRequest,
): TwilioGateway {
  const window = new AdaptiveConcurrency({
    cap: config.concurrency,
    accountLimit: config.accountLimit,
    headroom: config.headroom,
  });
  const slots = new SlotScheduler(() => window.limit());
  // Each Interactions endpoint's starts are spaced evenly, so no second ever holds more than the
  // limit; the slot scheduler bounds concurrency, not rate.
  const channelFetchPace = new EndpointPace(config.interactionsPerSecond);
  const channelUpdatePace = new EndpointPace(config.interactionsPerSecond);
  const stats = emptyStats();
  let inFlight = 0;

  const tasksUrl = `${TASKROUTER_HOST}/v1/Workspaces/${settings.workspaceSid}/Tasks`;
  const callsUrl = `${API_HOST}/2010-04-01/Accounts/${settings.accountSid}/Calls`;
  const eventsUrl = `${TASKROUTER_HOST}/v1/Workspaces/${settings.workspaceSid}/Events`;
  const conversationsUrl = `${CONVERSATIONS_HOST}/v1/Conversations`;
  const interactionsUrl = `${FLEX_API_HOST}/v1/Interactions`;

  function checkBudget(budget: RequestBudget, deadline: number): void {
    if (budget.signal?.aborted) throw new pRetry.AbortError(new DeadlineExceededError('The operation was abandoned'));
    if (Date.now() >= deadline) throw new pRetry.AbortError(new DeadlineExceededError());
  }

  /** Waits for the pacer's turn; a budget spent meanwhile ends the attempt like any other deadline. */
  async function paced(pacer: RequestPacer, budget: RequestBudget, deadline: number): Promise<void> {
    try {
      await pacer.turn(budget.signal, deadline);
    } catch (error) {
      throw new pRetry.AbortError(error as Error);
    }
  }

  async function attempt(
    spec: RequestSpec,
    budget: RequestBudget,
    deadline: number,
    acquire: Acquire,
  ): Promise<TwilioResponse> {
    checkBudget(budget, deadline);
    // Its turn first, holding no slot (see EndpointPace).
    if (spec.pace) await paced(spec.pace.beforeSlot, budget, deadline);
    const response = await acquire(async () => {
      // Time may have passed waiting for a slot.
      checkBudget(budget, deadline);
      // Inside the slot, right before sending: the spacing holds for the requests themselves.
      if (spec.pace) await paced(spec.pace.atSend, budget, deadline);
      checkBudget(budget, deadline);
      stats.requests[spec.kind] += 1;
      stats.totalRequests += 1;
      inFlight += 1;
      stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
      const sentAt = window.stampSend();
      let answer: TwilioResponse | null = null;
      try {
        answer = await send({
          method: spec.method,
          uri: spec.uri,
          params: spec.params,
          data: spec.data,
          headers: spec.headers ? { ...spec.headers } : undefined,
          timeout: Math.max(1, Math.min(config.requestTimeoutMs, deadline - Date.now())),
        });
        return answer;
      } catch (error) {
        stats.networkErrors += 1;
        throw new RetryableFailure(`no answer from Twilio (${describeNetworkError(error)})`, null, null);
      } finally {
        window.onAnswer({
          status: answer?.statusCode ?? 0,
          accountInFlight: answer
            ? parseConcurrentRequests(headerValue(answer.headers, CONCURRENT_REQUESTS_HEADER))
            : null,
          sentAt,
          slotsInUse: slots.active,
          waiting: slots.waiting,
        });
        inFlight -= 1;
        // A grown window lets waiting work start now rather than at the next release.
        slots.pump();
      }
    });
    if (response.statusCode === 429 || response.statusCode >= 500) {
      if (response.statusCode === 429) stats.throttled += 1;
      else stats.serverErrors += 1;
      const error = twilioError(response.body);
      throw new RetryableFailure(
        `Twilio answered ${response.statusCode}${error.message ? ` (${error.message})` : ''}`,
        response.statusCode,
        error.code,
      );
    }
    return response;
  }

  async function requestWith(spec: RequestSpec, budget: RequestBudget, acquire: Acquire): Promise<AnsweredResponse> {
    const deadline = Math.min(budget.deadline ?? Infinity, Date.now() + config.maxRetryTimeMs);
    let unanswered = false;
    try {
      const response = await pRetry(() => attempt(spec, budget, deadline, acquire), {
        retries: config.retries,
        factor: 2,
        minTimeout: config.minBackoffMs,
        maxTimeout: config.maxBackoffMs,
        randomize: true,
        onFailedAttempt: (failure) => {
          // A 429 was refused before any work; a 5xx or no answer may have been applied.
          if (failure instanceof RetryableFailure && failure.status !== 429) unanswered = true;
          if (failure.retriesLeft <= 0) return;
          // The longest the next backoff can be (jitter doubles at most): give up now rather than
          // sleep past the budget, so a caller's deadline is never overrun by a retry.
          const longestBackoff = Math.min(
            config.maxBackoffMs,
            2 * config.minBackoffMs * 2 ** Math.max(0, failure.attemptNumber - 1),
          );
          if (budget.signal?.aborted || Date.now() + longestBackoff >= deadline) throw failure;
          stats.retries += 1;
        },
      });
      return { ...response, afterUnansweredAttempt: unanswered };
    } catch (error) {
      if (error instanceof RetryableFailure) {
        throw new UpstreamError(`${describeKind(spec.kind)} failed: ${error.description}, even after retries`, {
          status: error.status,
          twilioCode: error.twilioCode,
        });
      }
      throw error;
    }
  }

  /** Statuses every caller must handle; anything else 4xx is a refusal no retry fixes. */
  function refuse(spec: RequestSpec, response: TwilioResponse): never {
    const error = twilioError(response.body);
    const hint =
      response.statusCode === 401
        ? ' (check the account SID and auth token)'
        : response.statusCode === 404 &&
            (spec.kind === 'listTasks' || spec.kind === 'listTasksByConversation' || spec.kind === 'listEvents')
          ? ' (check the TaskRouter workspace SID)'
          : '';
    throw new UpstreamError(
      `${describeKind(spec.kind)} was refused: Twilio answered ${response.statusCode}${
        error.message ? ` (${error.message})` : ''
      }${hint}`,
      { status: response.statusCode, twilioCode: error.code },
    );
  }

  function parse<T>(spec: RequestSpec, schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
    const result = schema.safeParse(body);
    if (!result.success) {
      throw new UpstreamError(`${describeKind(spec.kind)}: Twilio's answer has an unexpected shape`);
    }
    return result.data;
  }

  /** What a task update (status, or attributes alone) came to, from Twilio's answer. */
  function taskUpdateResult(spec: RequestSpec, response: AnsweredResponse): UpdateTaskResult {
    if (response.statusCode === 200) return { kind: 'updated', task: parse(spec, taskSchema, response.body) };
    if (response.statusCode === 412) return { kind: 'precondition_failed' };
    if (response.statusCode === 404)
      return { kind: 'not_found', afterUnansweredAttempt: response.afterUnansweredAttempt };
    if (response.statusCode === 400) {
      const error = twilioError(response.body);
      return { kind: 'rejected', twilioCode: error.code, message: error.message ?? 'Bad request' };
    }
    refuse(spec, response);
  }

  const byLimit: Acquire = (fn) => slots.run(fn);
  return makeApi(byLimit, false);

  /**
   * The gateway's methods, each request acquiring a slot with `acquire`. `inSlot`: these methods run on
   * one slot already held (withSlot), so their requests are queued one after another on it: work
   * that starts several at once (a task's call legs) still has one request in flight per slot.
   */
  function makeApi(acquire: Acquire, inSlot: boolean): TwilioGateway {
    const request = (spec: RequestSpec, budget: RequestBudget = {}) => requestWith(spec, budget, acquire);
    const api: TwilioGateway = {
      async listOpenTasks(cursor, pageSize, budget, options = {}) {
        const statuses: string[] = [...OPEN_ASSIGNMENT_STATUSES];
        if (options.includeWrapping) statuses.push('wrapping');
        const spec: RequestSpec = {
          kind: 'listTasks',
          method: 'get',
          uri: tasksUrl,
          params: { AssignmentStatus: statuses, PageSize: pageSize, ...cursorParams(cursor) },
        };
        const response = await request(spec, budget);
        if (response.statusCode !== 200) refuse(spec, response);
        const body = parse(spec, taskListSchema, response.body);
        return { tasks: body.tasks, next: cursorFrom(body.meta.next_page_url) } satisfies TaskPage;
      },

      async fetchTask(taskSid, budget) {
        assertSid(TASK_SID_PATTERN, taskSid);
        const spec: RequestSpec = { kind: 'fetchTask', method: 'get', uri: `${tasksUrl}/${taskSid}` };
        const response = await request(spec, budget);
        if (response.statusCode === 404) return null;
        if (response.statusCode !== 200) refuse(spec, response);
        return { task: parse(spec, taskSchema, response.body), etag: headerValue(response.headers, 'etag') };
      },

      async updateTask(taskSid, update, budget): Promise<UpdateTaskResult> {
        assertSid(TASK_SID_PATTERN, taskSid);
        const spec: RequestSpec = {
          kind: 'updateTask',
          method: 'post',
          uri: `${tasksUrl}/${taskSid}`,
          // One request: the status, its reason and the attributes change together or not at all.
          data: {
            AssignmentStatus: update.assignmentStatus,
            Reason: update.reason,
            ...(update.attributes === undefined ? {} : { Attributes: update.attributes }),
          },
          headers: update.ifMatch === null ? undefined : { 'If-Match': update.ifMatch },
        };
        return taskUpdateResult(spec, await request(spec, budget));
      },

      async updateTaskAttributes(taskSid, update, budget): Promise<UpdateTaskResult> {
        assertSid(TASK_SID_PATTERN, taskSid);
        const spec: RequestSpec = {
          kind: 'updateTaskAttributes',
          method: 'post',
          uri: `${tasksUrl}/${taskSid}`,
          // Attributes only: neither AssignmentStatus nor Reason, so the status never moves through here.
          data: { Attributes: update.attributes },
          headers: { 'If-Match': update.ifMatch },
        };
        return taskUpdateResult(spec, await request(spec, budget));
      },

      async listReservations(taskSid, budget) {
        assertSid(TASK_SID_PATTERN, taskSid);
        const reservations: TwilioReservation[] = [];
        let cursor: ListCursor | null = null;
        for (let page = 0; page < MAX_RESERVATION_PAGES; page += 1) {
          const spec: RequestSpec = {
            kind: 'listReservations',
            method: 'get',
            uri: `${tasksUrl}/${taskSid}/Reservations`,
            params: { PageSize: 100, ...cursorParams(cursor) },
          };
          const response = await request(spec, budget);
          if (response.statusCode === 404) return reservations;
          if (response.statusCode !== 200) refuse(spec, response);
          const body = parse(spec, reservationListSchema, response.body);
          reservations.push(...body.reservations);
          cursor = cursorFrom(body.meta.next_page_url);
          if (!cursor) break;
        }
        return reservations;
      },

      async fetchCall(callSid, budget) {
        assertSid(CALL_SID_PATTERN, callSid);
        const spec: RequestSpec = { kind: 'fetchCall', method: 'get', uri: `${callsUrl}/${callSid}.json` };
        const response = await request(spec, budget);
        if (response.statusCode === 404) return null;
        if (response.statusCode !== 200) refuse(spec, response);
        return parse(spec, callSchema, response.body);
      },

      async fetchConversation(conversationSid, budget) {
        assertSid(CONVERSATION_SID_PATTERN, conversationSid);
        const spec: RequestSpec = {
          kind: 'fetchConversation',
          method: 'get',
          uri: `${conversationsUrl}/${conversationSid}`,
        };
        const response = await request(spec, budget);
        if (response.statusCode === 404) return null;
        if (response.statusCode !== 200) refuse(spec, response);
        return parse(spec, conversationSchema, response.body);
      },

      async fetchInteractionChannel(interactionSid, channelSid, budget) {
        assertSid(INTERACTION_SID_PATTERN, interactionSid);
        assertSid(INTERACTION_CHANNEL_SID_PATTERN, channelSid);
        const spec: RequestSpec = {
          kind: 'fetchInteractionChannel',
          method: 'get',
          uri: `${interactionsUrl}/${interactionSid}/Channels/${channelSid}`,
          pace: channelFetchPace,
        };
        const response = await request(spec, budget);
        if (response.statusCode === 404) return null;
        if (response.statusCode !== 200) refuse(spec, response);
        return parse(spec, interactionChannelSchema, response.body);
      },

      async closeInteractionChannel(interactionSid, channelSid, budget): Promise<UpdateChannelResult> {
        assertSid(INTERACTION_SID_PATTERN, interactionSid);
        assertSid(INTERACTION_CHANNEL_SID_PATTERN, channelSid);
        const spec: RequestSpec = {
          kind: 'updateInteractionChannel',
          method: 'post',
          uri: `${interactionsUrl}/${interactionSid}/Channels/${channelSid}`,
          // Routing closed: Flex closes the channel's tasks rather than moving them to wrapping.
          data: { Status: 'closed', Routing: JSON.stringify({ status: 'closed' }) },
          pace: channelUpdatePace,
        };
        const response = await request(spec, budget);
        if (response.statusCode === 200) {
          return { kind: 'updated', channel: parse(spec, interactionChannelSchema, response.body) };
        }
        if (response.statusCode === 404) {
          return { kind: 'not_found', afterUnansweredAttempt: response.afterUnansweredAttempt };
        }
        if (response.statusCode === 400 || response.statusCode === 409) {
          const error = twilioError(response.body);
          return {
            kind: 'rejected',
            status: response.statusCode,
            twilioCode: error.code,
            message: error.message ?? 'Bad request',
          };
        }
        refuse(spec, response);
      },

      async listCalls(status: CallStatus, cursor, pageSize, budget) {
        const spec: RequestSpec = {
          kind: 'listCalls',
          method: 'get',
          uri: `${callsUrl}.json`,
          params: { Status: status, PageSize: pageSize, ...cursorParams(cursor) },
        };
        const response = await request(spec, budget);
        if (response.statusCode !== 200) refuse(spec, response);
        const body = parse(spec, callListSchema, response.body);
        return { calls: body.calls, next: cursorFrom(body.next_page_uri) } satisfies CallPage;
      },

      async listEvents(query, cursor, pageSize, budget) {
        const spec: RequestSpec = {
          kind: 'listEvents',
          method: 'get',
          uri: eventsUrl,
          params: {
            EventType: query.eventType,
            StartDate: query.startDate,
            EndDate: query.endDate,
            PageSize: pageSize,
            ...cursorParams(cursor),
          },
        };
        const response = await request(spec, budget);
        if (response.statusCode !== 200) refuse(spec, response);
        const body = parse(spec, eventListSchema, response.body);
        return { events: body.events, next: cursorFrom(body.meta.next_page_url) } satisfies EventPage;
      },

      async listConversations(state, cursor, pageSize, budget) {
        const spec: RequestSpec = {
          kind: 'listConversations',
          method: 'get',
          uri: conversationsUrl,
          params: { State: state, PageSize: pageSize, ...cursorParams(cursor) },
        };
        const response = await request(spec, budget);
        if (response.statusCode !== 200) refuse(spec, response);
        const body = parse(spec, conversationListSchema, response.body);
        return {
          conversations: body.conversations,
          next: cursorFrom(body.meta.next_page_url),
        } satisfies ConversationPage;
      },

      async listOpenTasksNamingConversations(conversationSids, cursor, pageSize, budget) {
        const spec: RequestSpec = {
          kind: 'listTasksByConversation',
          method: 'get',
          uri: tasksUrl,
          params: {
            AssignmentStatus: [...TASK_STATUSES_HOLDING_A_CONVERSATION],
            EvaluateTaskAttributes: conversationSidExpression(conversationSids),
            PageSize: pageSize,
            ...cursorParams(cursor),
          },
        };
        const response = await request(spec, budget);
        if (response.statusCode !== 200) refuse(spec, response);
        const body = parse(spec, taskListSchema, response.body);
        return { tasks: body.tasks, next: cursorFrom(body.meta.next_page_url) } satisfies TaskPage;
      },

      withSlot(work) {
        if (inSlot) return work(api);
        // Inside a slot, requests run one after another on that slot: no queueing behind other work.
        return slots.run(() => {
          const serial = pLimit(1);
          return work(makeApi((fn) => serial(fn), true));
        });
      },

      stats() {
        const { current, min, max, shrinks } = window.stats();
        return {
          ...stats,
          requests: { ...stats.requests },
          window: { current, min, max, shrinks },
        };
      },
    };
    return api;
  }
}

type Acquire = <T>(fn: () => Promise<T>) => Promise<T>;

/** Twilio's count of the account's requests in flight, on every answer. */
export const CONCURRENT_REQUESTS_HEADER = 'twilio-concurrent-requests';

/**
 * Slots for work, first come first served, as many at once as `limit()` says now: like p-limit, but
 * the limit may change between one start and the next (the adaptive window). A smaller limit never
 * interrupts work already holding a slot; new work waits until enough slots are released.
 */
class SlotScheduler {
  active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(private readonly limit: () => number) {}

  get waiting(): number {
    return this.queue.length;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit() || this.queue.length > 0) {
      await new Promise<void>((resolve) => {
        this.queue.push(resolve);
        this.pump();
      });
    } else {
      this.active += 1;
    }
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.pump();
    }
  }

  /** Starts waiting work while there are free slots. */
  pump(): void {
    while (this.queue.length > 0 && this.active < this.limit()) {
      this.active += 1;
      this.queue.shift()!();
    }
  }
}

/** `afterUnansweredAttempt`: an earlier attempt got a 5xx or no answer, so it may have been applied. */
type AnsweredResponse = TwilioResponse & { afterUnansweredAttempt: boolean };

/** Unset (undefined) options keep their defaults. */
export function withDefaults(options: GatewayOptions): Required<GatewayOptions> {
  const config = { ...DEFAULT_GATEWAY_OPTIONS };
  for (const [key, value] of Object.entries(options) as [keyof GatewayOptions, number | undefined][]) {
    if (value !== undefined) config[key] = value;
  }
  // An unset cap follows the limit given (it is only a ceiling; the window keeps to the target).
  if (options.concurrency === undefined) config.concurrency = config.accountLimit;
  if (!Number.isInteger(config.concurrency) || config.concurrency < 1) {
    throw new Error(`Concurrency must be a whole number of at least 1, not ${config.concurrency}`);
  }
  if (!(config.interactionsPerSecond > 0)) {
    throw new Error(`The Interactions rate must be above 0 requests a second, not ${config.interactionsPerSecond}`);
  }
  if (!Number.isInteger(config.accountLimit) || config.accountLimit < 1) {
    throw new Error(`The account limit must be a whole number of at least 1, not ${config.accountLimit}`);
  }
  if (!Number.isInteger(config.headroom) || config.headroom < 0 || config.headroom >= config.accountLimit) {
    throw new Error(
      `The headroom must be a whole number from 0 to ${config.accountLimit - 1} (below the account limit), not ${config.headroom}`,
    );
  }
  return config;
}

function definedOnly(options: GatewayOptions): GatewayOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

function emptyStats(): GatewayStats {
  return {
    requests: {
      listTasks: 0,
      fetchTask: 0,
      updateTask: 0,
      updateTaskAttributes: 0,
      listReservations: 0,
      fetchCall: 0,
      listCalls: 0,
      listEvents: 0,
      fetchConversation: 0,
      fetchInteractionChannel: 0,
      updateInteractionChannel: 0,
      listConversations: 0,
      listTasksByConversation: 0,
    },
    totalRequests: 0,
    throttled: 0,
    serverErrors: 0,
    networkErrors: 0,
    retries: 0,
    peakInFlight: 0,
    window: { current: 0, min: 0, max: 0, shrinks: 0 },
  };
}

/**
 * TaskRouter's expression for tasks naming one of these conversations: `conversationSid IN ['CH…']`.
 * Each SID is checked first, so nothing but a CH SID ever reaches the expression (no quote to escape).
 */
export function conversationSidExpression(conversationSids: readonly string[]): string {
  if (conversationSids.length === 0 || conversationSids.length > MAX_CONVERSATIONS_PER_TASK_QUERY) {
    throw new Error(
      `A task query names 1 to ${MAX_CONVERSATIONS_PER_TASK_QUERY} conversations, not ${conversationSids.length}`,
    );
  }
  for (const sid of conversationSids) assertSid(CONVERSATION_SID_PATTERN, sid);
  return `conversationSid IN [${conversationSids.map((sid) => `'${sid}'`).join(', ')}]`;
}

/** SIDs reach URLs only after this check: a crafted value must never change the path. */
function assertSid(pattern: RegExp, sid: string): void {
  if (!pattern.test(sid)) throw new Error(`Refusing to request a malformed SID: ${JSON.stringify(sid)}`);
}

function cursorParams(cursor: ListCursor | null): Record<string, string | number> {
  if (!cursor) return {};
  return cursor.pageToken ? { Page: cursor.page, PageToken: cursor.pageToken } : { Page: cursor.page };
}

/**
 * Keeps only `Page` and `PageToken` of Twilio's next-page URL: the URL itself is never followed, so
 * neither a surprising host in an answer nor a crafted page token can send credentials elsewhere.
 */
export function cursorFrom(nextPageUrl: string | null): ListCursor | null {
  if (!nextPageUrl) return null;
  const url = new URL(nextPageUrl, TASKROUTER_HOST);
  const page = Number(url.searchParams.get('Page') ?? NaN);
  const pageToken = url.searchParams.get('PageToken') ?? '';
  if (!Number.isInteger(page) || page < 0) {
    throw new UpstreamError(`Twilio's next page link has no usable Page number: ${nextPageUrl}`);
  }
  return { page, pageToken };
}

function twilioError(body: unknown): { code: number | null; message: string | null } {
  const parsed = twilioErrorSchema.safeParse(body);
  if (!parsed.success) return { code: null, message: null };
  return { code: parsed.data.code ?? null, message: parsed.data.message ?? null };
}

function headerValue(headers: Record<string, unknown> | undefined, name: string): string | null {
  if (!headers) return null;
  const getter = (headers as { get?: (key: string) => unknown }).get;
  const value =
    typeof getter === 'function'
      ? getter.call(headers, name)
      : (headers[name] ?? headers[Object.keys(headers).find((key) => key.toLowerCase() === name) ?? '']);
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function describeNetworkError(error: unknown): string {
  if (error && typeof error === 'object') {
    const { code, message } = error as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string') return message;
  }
  return String(error);
}

function describeKind(kind: RequestKind): string {
  switch (kind) {
    case 'listTasks':
      return 'Listing tasks';
    case 'fetchTask':
      return 'Fetching a task';
    case 'updateTask':
      return 'Updating a task';
    case 'updateTaskAttributes':
      return "Updating a task's attributes";
    case 'listReservations':
      return "Listing a task's reservations";
    case 'fetchCall':
      return 'Fetching a call';
    case 'listCalls':
      return 'Listing calls';
    case 'listEvents':
      return 'Listing TaskRouter events';
    case 'fetchConversation':
      return 'Fetching a conversation';
    case 'fetchInteractionChannel':
      return 'Fetching an interaction channel';
    case 'updateInteractionChannel':
      return 'Closing an interaction channel';
    case 'listConversations':
      return 'Listing conversations';
    case 'listTasksByConversation':
      return 'Listing the tasks of conversations';
  }
}
