import type {
  AssignmentStatus,
  CallStatus,
  ConversationState,
  InteractionChannelStatus,
} from '@plugin-stuck-tasks/contract';

export type { AssignmentStatus, CallStatus, ConversationState, InteractionChannelStatus };

export const ASSIGNMENT_STATUSES: readonly AssignmentStatus[] = [
  'pending',
  'reserved',
  'assigned',
  'wrapping',
  'completed',
  'canceled',
];

export const CALL_STATUSES: readonly CallStatus[] = [
  'queued',
  'ringing',
  'in-progress',
  'canceled',
  'completed',
  'failed',
  'busy',
  'no-answer',
];

export const LIVE_CALL_STATUSES: readonly CallStatus[] = ['queued', 'ringing', 'in-progress'];
export const ENDED_CALL_STATUSES: readonly CallStatus[] = ['completed', 'failed', 'busy', 'no-answer', 'canceled'];

export type ReservationStatus =
  'pending' | 'accepted' | 'rejected' | 'timeout' | 'canceled' | 'rescinded' | 'wrapping' | 'completed';

/**
 * What the scenario generator meant a task to be. The simulator's own oracle (`verdict` in the
 * control view) is computed from the live state instead, because calls end and tasks move after
 * seeding.
 */
export type TaskKind =
  | 'stuck'
  | 'live'
  | 'recently_ended'
  | 'no_call_sid'
  | 'call_not_found'
  | 'bad_attributes'
  | 'other_channel'
  | 'conference_stuck'
  | 'conference_worker_live'
  | 'outbound_stuck'
  | 'outbound_live'
  | 'wrapping'
  | 'closed'
  | 'messaging_stuck'
  | 'messaging_deleted'
  | 'messaging_settling'
  | 'messaging_paused'
  | 'messaging_transfer'
  | 'messaging_no_interaction'
  | 'messaging_interaction_closed'
  | 'custom';

/**
 * What a messaging task's attributes name, read by the simulator itself: `conversationSid` (a CH SID),
 * else the `sid` of a `ChatTranscript` entry of `conversations.media`; `flexInteractionSid` and
 * `flexInteractionChannelSid` when they are KD / UO SIDs. A task naming a `call_sid` is a voice task.
 */
export interface SimMessagingRefs {
  conversationSid: string;
  interactionSid: string | null;
  channelSid: string | null;
}

/** A Conversations v1 conversation. A deleted one is simply absent (404). */
export interface SimConversation {
  sid: string;
  state: ConversationState;
  friendlyName: string;
  chatServiceSid: string;
  dateCreated: number;
  dateUpdated: number;
  /** `timers.date_closed`: set when it closed; null while open. */
  dateClosed: number | null;
  dateInactive: number | null;
}

/** A Flex Interaction Channel (one per interaction here: "an interaction supports a single channel"). */
export interface SimInteractionChannel {
  sid: string;
  interactionSid: string;
  type: 'sms' | 'whatsapp' | 'web' | 'chat' | 'email' | 'messenger' | 'gbm' | 'voice';
  status: InteractionChannelStatus;
  /** The channel's conversation; closing the channel closes it. */
  conversationSid: string | null;
  errorCode: number | null;
  errorMessage: string | null;
  dateUpdated: number;
}

/**
 * One conversation or interaction channel fetch the simulator answered from its state, numbered on the
 * same counter as the update logs, so a race suite can tell what the engine last saw before a close.
 */
export interface MessagingFetchLogEntry {
  seq: number;
  time: string;
  resource: 'conversation' | 'channel';
  sid: string;
  /** The conversation's state or the channel's status answered; null when the answer was 404. */
  status: string | null;
  /** A conversation's `timers.date_closed` as answered (whole seconds), ISO 8601; null when none. */
  dateClosed: string | null;
}

/** One channel update the simulator applied (`POST …/Interactions/{KD}/Channels/{UO}`), for the race suites. */
export interface ChannelUpdateLogEntry {
  /** From the counter that numbers task updates and call fetches too. */
  seq: number;
  time: string;
  interactionSid: string;
  channelSid: string;
  from: InteractionChannelStatus;
  to: InteractionChannelStatus;
  /** `Routing.status` as sent, or null without Routing. */
  routingStatus: string | null;
  /** The channel's conversation at the update: its state, `deleted` when gone, null when it names none. */
  conversationState: string | null;
  /** What the close did to each open task of the channel (`to` null: left as it was). */
  tasks: { taskSid: string; from: AssignmentStatus; to: AssignmentStatus | null }[];
}

/**
 * One call leg a task's attributes name, read by the simulator itself (not by the engine's rules):
 * its `call_sid` (role `call_sid`, whatever the text), then each `conference.participants` value that
 * is a Call SID (role = the participant key); a SID already listed is not listed again.
 */
export interface SimLeg {
  role: string;
  callSid: string;
}

export interface SimReservation {
  sid: string;
  workerSid: string;
  workerName: string;
  status: ReservationStatus;
  dateCreated: number;
  dateUpdated: number;
}

export interface SimTask {
  /** Position in creation order; lists page by it. */
  ordinal: number;
  sid: string;
  assignmentStatus: AssignmentStatus;
  /** Raw attribute string as Twilio stores it (may be unparseable on purpose). */
  attributes: string;
  /** Whether the attributes are a JSON object. */
  attributesParseable: boolean;
  /** `call_sid` from the attributes, null when they are unparseable or carry none. */
  callSid: string | null;
  /** Every call leg the attributes name (see SimLeg), `call_sid` first; empty when unparseable. */
  legs: SimLeg[];
  /** A messaging task's references (SimMessagingRefs); null for voice and unreadable attributes. */
  messaging: SimMessagingRefs | null;
  priority: number;
  reason: string | null;
  taskQueueSid: string;
  taskQueueName: string;
  channel: string;
  taskChannelSid: string;
  workflowSid: string;
  workflowName: string;
  timeout: number;
  dateCreated: number;
  dateUpdated: number;
  taskQueueEnteredDate: number;
  virtualStartTime: number;
  /** Bumped on every change; the ETag. */
  revision: number;
  closedAt: number | null;
  reservations: SimReservation[];
  kind: TaskKind;
}

export interface SimCall {
  ordinal: number;
  sid: string;
  status: CallStatus;
  direction: 'inbound' | 'outbound-api' | 'outbound-dial';
  from: string;
  to: string;
  dateCreated: number;
  dateUpdated: number;
  startTime: number | null;
  endTime: number | null;
  queueTimeMs: number;
}

export interface SimTaskQueue {
  sid: string;
  name: string;
}

export interface SimWorker {
  sid: string;
  name: string;
}

export interface SimTaskChannel {
  sid: string;
  uniqueName: string;
}

export interface SimWorkflow {
  sid: string;
  name: string;
}

/** One change of a task's assignment status, as the race suites audit them. */
export interface UpdateLogEntry {
  /** Shared with `CallFetchLogEntry.seq`: one counter orders updates and call reads. */
  seq: number;
  /** ISO 8601 with milliseconds. */
  time: string;
  source: 'api' | 'control';
  taskSid: string;
  from: AssignmentStatus;
  to: AssignmentStatus;
  /** The task's primary leg (`call_sid`, else `customer`, else the first leg); null when it names none. */
  callSid: string | null;
  /** Status of the primary leg's call at the moment of the update; null when there is no call or it is unknown. */
  callStatus: CallStatus | null;
  /** Every leg the task named at the moment of the update, with its call's status then (null: unknown call). */
  legs: { role: string; callSid: string; status: CallStatus | null }[];
  reason: string | null;
  /** The `Attributes` the same API request wrote (status and attributes change atomically); null when none. */
  attributes: string | null;
  /** The If-Match header the API request carried, null when it had none (always null for control changes). */
  ifMatch: string | null;
  etagBefore: string;
  etagAfter: string;
  /** Set when the change came from closing the task's interaction channel (not the Task API). */
  viaChannelSid?: string;
}

/**
 * One `GET …/Calls/{CA}.json` the simulator answered from its state (faults answered before the state
 * is read are not recorded), so a race suite can tell what the engine last saw of a call before an update.
 */
export interface CallFetchLogEntry {
  /** Taken when the call was read, from the counter that also numbers `UpdateLogEntry.seq`. */
  seq: number;
  /** ISO 8601 with milliseconds: when the call was read. */
  time: string;
  callSid: string;
  /** The status answered; null when the answer was 404 (no such call). */
  status: CallStatus | null;
  /** The `end_time` answered (whole seconds, as Twilio sends it), ISO 8601; null when it had none. */
  endTime: string | null;
}
