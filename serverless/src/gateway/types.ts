import type {
  AssignmentStatus,
  CallStatus,
  ConversationState,
  InteractionChannelStatus,
} from '@plugin-stuck-tasks/contract';

/** A TaskRouter Task as Twilio returns it (the fields this product reads). */
export interface TwilioTask {
  sid: string;
  assignment_status: AssignmentStatus;
  /** JSON text; Twilio may leave it null in list responses (then fetch the task). */
  attributes: string | null;
  task_channel_unique_name: string | null;
  task_queue_sid: string | null;
  task_queue_friendly_name: string | null;
  workflow_friendly_name: string | null;
  date_created: string | null;
  date_updated: string | null;
  age: number | null;
  priority: number | null;
  reason: string | null;
}

/** An API 2010 Call (the fields this product reads). Times are RFC 2822. */
export interface TwilioCall {
  sid: string;
  status: CallStatus;
  direction: string | null;
  from: string | null;
  to: string | null;
  start_time: string | null;
  end_time: string | null;
  date_updated: string | null;
  duration: string | null;
}

/** A Conversations v1 Conversation (the fields this product reads). Dates are ISO 8601. */
export interface TwilioConversation {
  sid: string;
  state: ConversationState;
  friendly_name: string | null;
  date_created: string | null;
  date_updated: string | null;
  /** `date_closed` (and `date_inactive`) when Twilio set them; null when it gave no timers. */
  timers: { date_closed: string | null; date_inactive: string | null } | null;
}

/** A Flex v1 Interaction Channel (the fields this product reads). */
export interface TwilioInteractionChannel {
  sid: string;
  interaction_sid: string;
  /** `sms`, `whatsapp`, `web`, `email`…; null when Twilio gives none. */
  type: string | null;
  status: InteractionChannelStatus;
  error_code: number | null;
  error_message: string | null;
}

export type UpdateChannelResult =
  | { kind: 'updated'; channel: TwilioInteractionChannel }
  /** 404; `afterUnansweredAttempt`: an earlier attempt got no clear answer and may have been applied. */
  | { kind: 'not_found'; afterUnansweredAttempt: boolean }
  /** 400 and other refusals that name the problem. */
  | { kind: 'rejected'; status: number; twilioCode: number | null; message: string };

export interface TwilioReservation {
  sid: string;
  worker_sid: string;
  worker_name: string | null;
  reservation_status: string;
}

/** A TaskRouter Event as Twilio returns it (the fields this product reads). */
export interface TwilioEvent {
  sid: string;
  event_type: string;
  /** ISO 8601, whole seconds. */
  event_date: string | null;
  /** The same moment in milliseconds, when Twilio sends it. */
  event_date_ms: number | null;
  resource_sid: string | null;
  /** The event's data (for task events: task_sid, task_canceled_reason, task_queue_name…). */
  event_data: Record<string, unknown> | null;
}

/** Which events to list: one type, in a window (both bounds inclusive, ISO 8601). */
export interface EventQuery {
  eventType: string;
  startDate: string;
  endDate: string;
}

export interface EventPage {
  /** Newest first, as Twilio lists them. */
  events: TwilioEvent[];
  next: ListCursor | null;
}

/** Where a Twilio list continues: the `Page` and `PageToken` of its next page URL. */
export interface ListCursor {
  page: number;
  pageToken: string;
}

export interface TaskPage {
  tasks: TwilioTask[];
  next: ListCursor | null;
}

export interface ConversationPage {
  conversations: TwilioConversation[];
  next: ListCursor | null;
}

/** The conversation states Twilio's list filters by (`State`): one per list. */
export type ListedConversationState = 'active' | 'inactive' | 'closed';

export interface CallPage {
  calls: TwilioCall[];
  next: ListCursor | null;
}

export interface FetchedTask {
  task: TwilioTask;
  /** The version to send back in `If-Match`; null if Twilio sent no ETag. */
  etag: string | null;
}

export type CloseStatus = 'canceled' | 'completed';

export interface ListTasksOptions {
  /** Also list `wrapping` tasks (WRAPUP_OVERDUE_MINUTES on). */
  includeWrapping?: boolean;
}

/** One update request: the status change, its reason and, optionally, new attributes, all applied at once. */
export interface TaskUpdate {
  assignmentStatus: CloseStatus;
  reason: string;
  ifMatch: string | null;
  /** The task's new attributes (JSON text), sent as `Attributes`; absent = left as they are. */
  attributes?: string;
}

/** An update of the attributes alone: no AssignmentStatus, no Reason (the task's status stays). */
export interface TaskAttributesUpdate {
  /** The task's new attributes (JSON text), sent as `Attributes`. */
  attributes: string;
  /** The ETag of the version the attributes were derived from; the update is refused (412) if it changed. */
  ifMatch: string;
}

export type UpdateTaskResult =
  | { kind: 'updated'; task: TwilioTask }
  /** 412: the task changed since the ETag was read. */
  | { kind: 'precondition_failed' }
  /** 404; `afterUnansweredAttempt`: an earlier attempt got no clear answer and may have been applied. */
  | { kind: 'not_found'; afterUnansweredAttempt: boolean }
  /** 400 (e.g. 20001: the task's state no longer allows this update). */
  | { kind: 'rejected'; twilioCode: number | null; message: string };

/**
 * How long a request may take, retries included. `deadline` is an absolute `Date.now()` time; an
 * aborted `signal` stops further attempts (a scan that returned abandons its remaining work).
 */
export interface RequestBudget {
  deadline?: number;
  signal?: AbortSignal;
}

export type RequestKind =
  | 'listTasks'
  | 'fetchTask'
  | 'updateTask'
  | 'updateTaskAttributes'
  | 'listReservations'
  | 'fetchCall'
  | 'listCalls'
  | 'fetchConversation'
  | 'fetchInteractionChannel'
  | 'updateInteractionChannel'
  | 'listEvents'
  | 'listConversations'
  | 'listTasksByConversation';

export interface GatewayStats {
  /** HTTP attempts by kind, retries included. */
  requests: Record<RequestKind, number>;
  totalRequests: number;
  /** Answers 429 (Twilio's concurrency limit). */
  throttled: number;
  /** Answers 5xx. */
  serverErrors: number;
  /** Attempts that got no HTTP answer (connection error, timeout). */
  networkErrors: number;
  /** Attempts repeated after a failure. */
  retries: number;
  /** Most requests in flight at once. */
  peakInFlight: number;
  /**
   * The adaptive window (slots this gateway may hold): now, its smallest and largest so far, and how
   * often it shrank (the account at its target, or a 429). The fixed cap until an answer carries
   * `Twilio-Concurrent-Requests`.
   */
  window: { current: number; min: number; max: number; shrinks: number };
}

/** The one way this product talks to Twilio. */
export interface TwilioGateway {
  /**
   * One page of the workspace's open (pending, reserved, assigned) tasks, and its wrapping tasks too
   * with `includeWrapping` (overdue wrap-ups on).
   */
  listOpenTasks(
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
    options?: ListTasksOptions,
  ): Promise<TaskPage>;
  /** null = 404. */
  fetchTask(taskSid: string, budget?: RequestBudget): Promise<FetchedTask | null>;
  updateTask(taskSid: string, update: TaskUpdate, budget?: RequestBudget): Promise<UpdateTaskResult>;
  /**
   * Writes the attributes alone, with `If-Match` (the closure marker before a channel close): the
   * task's status and reason are never changed by it.
   */
  updateTaskAttributes(
    taskSid: string,
    update: TaskAttributesUpdate,
    budget?: RequestBudget,
  ): Promise<UpdateTaskResult>;
  listReservations(taskSid: string, budget?: RequestBudget): Promise<TwilioReservation[]>;
  /** null = 404. */
  fetchCall(callSid: string, budget?: RequestBudget): Promise<TwilioCall | null>;
  /** null = 404 (deleted). */
  fetchConversation(conversationSid: string, budget?: RequestBudget): Promise<TwilioConversation | null>;
  /** null = 404. */
  fetchInteractionChannel(
    interactionSid: string,
    channelSid: string,
    budget?: RequestBudget,
  ): Promise<TwilioInteractionChannel | null>;
  /**
   * Closes an interaction channel: `Status=closed`, `Routing={"status":"closed"}` (Flex then closes the
   * channel's tasks). The Interactions API takes no reason.
   */
  closeInteractionChannel(
    interactionSid: string,
    channelSid: string,
    budget?: RequestBudget,
  ): Promise<UpdateChannelResult>;
  /** One page of the account's calls in one status. */
  listCalls(status: CallStatus, cursor: ListCursor | null, pageSize: number, budget?: RequestBudget): Promise<CallPage>;
  /** One page of the workspace's TaskRouter events of one type in a window, newest first. */
  listEvents(
    query: EventQuery,
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<EventPage>;
  /** One page of the account's conversations in one state (Conversations v1 `State` filter). */
  listConversations(
    state: ListedConversationState,
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<ConversationPage>;
  /**
   * One page of the workspace's open and wrapping tasks whose attributes' `conversationSid` is one of
   * `conversationSids` (at most MAX_CONVERSATIONS_PER_TASK_QUERY): one list request with TaskRouter's
   * `EvaluateTaskAttributes`, `conversationSid IN ['CH…','CH…']`.
   */
  listOpenTasksNamingConversations(
    conversationSids: readonly string[],
    cursor: ListCursor | null,
    pageSize: number,
    budget?: RequestBudget,
  ): Promise<TaskPage>;
  /**
   * Runs `work` on one concurrency slot: its requests go one after another without queueing behind
   * other work, so a re-check and the update that depends on it are as close together as possible.
   */
  withSlot<T>(work: (gateway: TwilioGateway) => Promise<T>): Promise<T>;
  stats(): GatewayStats;
}
