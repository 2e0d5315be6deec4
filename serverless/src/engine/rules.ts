/**
 * The domain rules: when is a voice or messaging Task stuck, and what closes it (messaging specifics
 * in messagingRules.ts). Pure functions, no I/O, so that
 * the scan, the detail view and the re-check before closing all judge a task the same way.
 */
import {
  CALL_SID_LEG_ROLE,
  CALL_SID_PATTERN,
  OPEN_ASSIGNMENT_STATUSES,
  TERMINAL_CALL_STATUSES,
} from '@plugin-stuck-tasks/contract';
import type {
  AssignmentStatus,
  CallLeg,
  CallStatus,
  CloseAction,
  OpenAssignmentStatus,
  ReviewProblem,
  ScannedAssignmentStatus,
  SuspectKind,
} from '@plugin-stuck-tasks/contract';
import type { TwilioCall, TwilioTask } from '../gateway/types';
import {
  conversationEndedAtMs,
  isChannelGone,
  isChannelHeld,
  isConversationOpen,
  messagingRefsOf,
} from './messagingRules';
import type { ChannelObservation, ConversationEnd, ConversationObservation, MessagingRefs } from './messagingRules';

export const VOICE_CHANNEL = 'voice';

/** The participant key of the customer's leg: the primary leg when the task names no `call_sid`. */
export const CUSTOMER_LEG_ROLE = 'customer';

export interface RuleContext {
  nowMs: number;
  graceSeconds: number;
  /** TaskQueue SIDs or names. */
  excludedTaskQueues: readonly string[];
  /** WRAPUP_OVERDUE_MINUTES; null (or absent) = off: a wrapping task is closed, not ours to judge. */
  wrapupOverdueMinutes?: number | null;
  /** MESSAGING: judge messaging tasks (Flex Conversations). Absent or false = off: they are skipped as other channels. */
  messaging?: boolean;
}

/** What is known about one call leg. */
export type CallObservation =
  /** Seen in the account's list of live calls (or fetched and found live). */
  | { kind: 'live'; status: CallStatus }
  /** Fetched individually: authoritative. */
  | { kind: 'fetched'; call: TwilioCall }
  /** Fetching it answered 404. */
  | { kind: 'not_found' };

/** What is known about the legs of a task, by Call SID. */
export type LegObservations = ReadonlyMap<string, CallObservation>;

/** A call leg a task names: its role and the SID as written (it may not be a Call SID). */
export interface TaskLeg {
  role: string;
  callSid: string;
}

/** A leg found live: what keeps its task active. */
export interface LiveLeg extends TaskLeg {
  status: CallStatus;
}

export type Classification =
  | { verdict: 'closed'; assignmentStatus: AssignmentStatus }
  | { verdict: 'skipped'; reason: 'not_voice' | 'excluded_queue' }
  | {
      verdict: 'needs_review';
      problem: ReviewProblem;
      /** The primary leg's SID as written, or null when the task names none. */
      callSid: string | null;
      /** What a forced close would do (`close_interaction`: a messaging task, never closed by force). */
      action: CloseAction;
      legs: TaskLeg[];
      /** A messaging task: what its attributes name. */
      messaging?: MessagingRefs;
    }
  | { verdict: 'active'; reason: 'call_live'; leg: LiveLeg }
  /** `leg`: the leg that ended last, inside the grace period. */
  | { verdict: 'active'; reason: 'call_settling'; leg: CallLeg; endedAtMs: number | null }
  /** A wrap-up younger than WRAPUP_OVERDUE_MINUTES (or whose last change is unreadable). */
  | { verdict: 'active'; reason: 'wrapup_in_progress'; wrappingForMs: number | null }
  /** A messaging task whose conversation is still going (active, inactive, initializing). */
  | { verdict: 'active'; reason: 'conversation_open'; conversationSid: string; state: string }
  /** A messaging task whose conversation closed inside the grace period. */
  | { verdict: 'active'; reason: 'conversation_settling'; conversationSid: string; endedAtMs: number | null }
  /** A messaging task whose interaction channel is paused or in transfer. */
  | { verdict: 'active'; reason: 'channel_held'; channelSid: string; status: string }
  | {
      verdict: 'stuck';
      kind: SuspectKind;
      action: CloseAction;
      /** The primary leg; null for a messaging task. */
      callSid: string | null;
      callStatus: CallStatus | null;
      /** The latest end time among the legs (ISO 8601), or null when Twilio gave none. */
      callEndedAt: string | null;
      /** Every leg, the primary first. */
      legs: CallLeg[];
      /** For `wrapup_overdue` (and a wrapping messaging task): how long since the task last changed. */
      wrappingForMs: number | null;
      /** A messaging task (`conversation_closed`): how its conversation ended and the channel to close. */
      conversation: ConversationEnd | null;
    };

/** A judgement of a messaging task that needs its conversation (and then maybe its channel) first. */
export interface ConversationNeeded {
  verdict: 'needs_conversation';
  kind: 'conversation_closed';
  action: 'close_interaction';
  refs: { conversationSid: string; interactionSid: string; channelSid: string };
  wrappingForMs: number | null;
}

/** A judgement that needs the legs' calls first. */
export interface LegsNeeded {
  verdict: 'needs_legs';
  kind: SuspectKind;
  action: CloseAction;
  /** Every leg, the primary first (some may name no Call SID: those count as not found). */
  legs: TaskLeg[];
  /** The Call SIDs to look up: the legs that name a Call SID. */
  callSids: string[];
  wrappingForMs: number | null;
}

export function isOpenStatus(status: AssignmentStatus): status is OpenAssignmentStatus {
  return (OPEN_ASSIGNMENT_STATUSES as readonly string[]).includes(status);
}

export function isTerminalCallStatus(status: CallStatus): boolean {
  return TERMINAL_CALL_STATUSES.includes(status);
}

/**
 * Never assigned: cancel. Assigned to an agent (or wrapping after it): complete (cancel is refused
 * from assigned and wrapping).
 */
export function actionFor(status: ScannedAssignmentStatus): CloseAction {
  return status === 'assigned' || status === 'wrapping' ? 'complete' : 'cancel';
}

/** The attributes as an object, or null when they are missing or not a JSON object. */
export function parseAttributes(raw: string | null): Record<string, unknown> | null {
  if (raw === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  return isPlainObject(parsed) ? parsed : null;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `call_sid` attribute as written, or null when absent or empty. */
export function callSidOf(attributes: Record<string, unknown>): string | null {
  const value = attributes.call_sid;
  if (typeof value !== 'string' || value.trim() === '') return null;
  return value.trim();
}

export function isCallSid(value: string): boolean {
  return CALL_SID_PATTERN.test(value);
}

/**
 * The call legs a task's attributes name, the primary first: its `call_sid` (role `call_sid`, even
 * when it is not a Call SID: such a leg names no call), then each Call SID under
 * `conference.participants` (role = the participant key). A SID already listed is not listed again
 * (the first role wins); participant values that are not Call SIDs are not legs.
 */
export function legsOf(attributes: Record<string, unknown>): TaskLeg[] {
  const legs: TaskLeg[] = [];
  const seen = new Set<string>();
  const callSid = callSidOf(attributes);
  if (callSid !== null) {
    legs.push({ role: CALL_SID_LEG_ROLE, callSid });
    seen.add(callSid);
  }
  const conference = attributes.conference;
  const participants = isPlainObject(conference) ? conference.participants : undefined;
  if (isPlainObject(participants)) {
    for (const [role, value] of Object.entries(participants)) {
      if (typeof value !== 'string') continue;
      const sid = value.trim();
      if (!isCallSid(sid) || seen.has(sid)) continue;
      legs.push({ role, callSid: sid });
      seen.add(sid);
    }
  }
  const primary = primaryLeg(legs);
  return primary === null ? legs : [primary, ...legs.filter((leg) => leg !== primary)];
}

/** The leg that describes the task: `call_sid`, else `customer`, else the first. null = no leg. */
export function primaryLeg<Leg extends TaskLeg>(legs: readonly Leg[]): Leg | null {
  return (
    legs.find((leg) => leg.role === CALL_SID_LEG_ROLE) ??
    legs.find((leg) => leg.role === CUSTOMER_LEG_ROLE) ??
    legs[0] ??
    null
  );
}

/** The legs of a task as written in its attributes; empty when the attributes are not a JSON object. */
export function taskLegs(task: TwilioTask): TaskLeg[] {
  const attributes = parseAttributes(task.attributes);
  return attributes === null ? [] : legsOf(attributes);
}

export function isExcludedQueue(task: TwilioTask, excluded: readonly string[]): boolean {
  return excluded.some(
    (entry) =>
      (task.task_queue_sid !== null && entry.toUpperCase() === task.task_queue_sid.toUpperCase()) ||
      (task.task_queue_friendly_name !== null && entry === task.task_queue_friendly_name),
  );
}

/** Milliseconds since the task last changed, or null when its `date_updated` is unreadable. */
export function sinceLastChangeMs(task: TwilioTask, nowMs: number): number | null {
  const updated = task.date_updated === null ? NaN : Date.parse(task.date_updated);
  return Number.isNaN(updated) ? null : nowMs - updated;
}

/**
 * Whether a wrapping task has been left unchanged for WRAPUP_OVERDUE_MINUTES or longer. An unreadable
 * last change is never overdue: nothing is closed on a date that cannot be read.
 */
export function isWrapupOverdue(wrappingForMs: number | null, minutes: number): boolean {
  return wrappingForMs !== null && wrappingForMs >= minutes * 60_000;
}

/**
 * Everything that can be decided from the task alone; otherwise the legs to look up. Cheap checks
 * come first so non-voice tasks, excluded queues and young wrap-ups never cost a request.
 */
export function precheckTask(task: TwilioTask, context: RuleContext): Classification | LegsNeeded | ConversationNeeded {
  const status = task.assignment_status;
  const overdueMinutes = context.wrapupOverdueMinutes ?? null;
  const judged = isOpenStatus(status) || (status === 'wrapping' && overdueMinutes !== null);
  if (!judged) return { verdict: 'closed', assignmentStatus: status };
  const isVoiceChannel = task.task_channel_unique_name === VOICE_CHANNEL;
  // Messaging tasks are found by their attributes whatever their channel's name; with MESSAGING off
  // (or no attributes to read on a voice task) the channel name decides, as before.
  const messagingOn = context.messaging === true;
  const parsed = messagingOn || isVoiceChannel ? parseAttributes(task.attributes) : null;
  const refs = messagingOn && parsed !== null ? messagingRefsOf(parsed) : null;
  // A list may leave the attributes out: only the task itself tells whether it is a messaging task.
  const attributesUnknown = messagingOn && !isVoiceChannel && task.attributes === null;
  if (!isVoiceChannel && refs === null && !attributesUnknown) return { verdict: 'skipped', reason: 'not_voice' };
  if (isExcludedQueue(task, context.excludedTaskQueues)) return { verdict: 'skipped', reason: 'excluded_queue' };
  let wrappingForMs: number | null = null;
  if (status === 'wrapping') {
    wrappingForMs = sinceLastChangeMs(task, context.nowMs);
    if (!isWrapupOverdue(wrappingForMs, overdueMinutes as number)) {
      return { verdict: 'active', reason: 'wrapup_in_progress', wrappingForMs };
    }
  }
  if (attributesUnknown) {
    return { verdict: 'needs_review', problem: 'bad_attributes', callSid: null, action: 'close_interaction', legs: [] };
  }
  if (refs !== null) return precheckMessaging(refs, wrappingForMs);
  const action = actionFor(status as ScannedAssignmentStatus);
  const attributes = parsed;
  if (attributes === null)
    return { verdict: 'needs_review', problem: 'bad_attributes', callSid: null, action, legs: [] };
  const legs = legsOf(attributes);
  if (legs.length === 0) return { verdict: 'needs_review', problem: 'no_call_sid', callSid: null, action, legs };
  // A value that is not a Call SID names no call; it is never put into a request URL.
  const callSids = legs.map((leg) => leg.callSid).filter(isCallSid);
  const callSid = legs[0].callSid;
  if (callSids.length === 0) return { verdict: 'needs_review', problem: 'call_not_found', callSid, action, legs };
  const kind: SuspectKind = status === 'wrapping' ? 'wrapup_overdue' : 'call_ended';
  return { verdict: 'needs_legs', kind, action, legs, callSids, wrappingForMs };
}

/** A messaging task without both interaction SIDs cannot be closed safely: a person looks at it. */
function precheckMessaging(refs: MessagingRefs, wrappingForMs: number | null): Classification | ConversationNeeded {
  const { conversationSid, interactionSid, channelSid } = refs;
  if (interactionSid === null || channelSid === null) {
    return {
      verdict: 'needs_review',
      problem: 'no_interaction',
      callSid: null,
      action: 'close_interaction',
      legs: [],
      messaging: refs,
    };
  }
  return {
    verdict: 'needs_conversation',
    kind: 'conversation_closed',
    action: 'close_interaction',
    refs: { conversationSid, interactionSid, channelSid },
    wrappingForMs,
  };
}

/** What is known about a messaging task's conversation and channel (the channel only once needed). */
export interface MessagingObservations {
  conversation: ConversationObservation;
  channel?: ChannelObservation;
}

/** Whether the channel must be looked up too: not when the conversation alone keeps the task active. */
export function channelNeeded(conversation: ConversationObservation): boolean {
  return !isConversationOpen(conversation);
}

/**
 * The verdict on a messaging task, in this order: conversation still going -> active; channel paused
 * or in transfer -> active; conversation closed inside the grace period -> active (settling); channel
 * already closed or unknown -> needs review; else stuck. A deleted conversation ended long ago.
 */
export function judgeConversation(
  task: TwilioTask,
  needed: ConversationNeeded,
  observed: MessagingObservations,
  context: RuleContext,
): Classification {
  const { refs, wrappingForMs } = needed;
  const { conversation, channel } = observed;
  if (conversation.kind === 'fetched' && isConversationOpen(conversation)) {
    return {
      verdict: 'active',
      reason: 'conversation_open',
      conversationSid: refs.conversationSid,
      state: conversation.conversation.state,
    };
  }
  if (channel === undefined) {
    throw new Error(
      `classifyTask: the interaction channel ${refs.channelSid} of task ${task.sid} must be looked up first`,
    );
  }
  if (isChannelHeld(channel)) {
    return {
      verdict: 'active',
      reason: 'channel_held',
      channelSid: refs.channelSid,
      status: (channel as { kind: 'fetched'; channel: { status: string } }).channel.status,
    };
  }
  const endedAtMs = conversation.kind === 'fetched' ? conversationEndedAtMs(conversation.conversation) : null;
  if (conversation.kind === 'fetched' && endedWithinGrace(endedAtMs, context)) {
    return { verdict: 'active', reason: 'conversation_settling', conversationSid: refs.conversationSid, endedAtMs };
  }
  if (isChannelGone(channel)) {
    return {
      verdict: 'needs_review',
      problem: 'interaction_closed',
      callSid: null,
      action: 'close_interaction',
      legs: [],
      messaging: refs,
    };
  }
  const fetchedChannel = channel.kind === 'fetched' ? channel.channel : null;
  return {
    verdict: 'stuck',
    kind: 'conversation_closed',
    action: 'close_interaction',
    callSid: null,
    callStatus: null,
    callEndedAt: null,
    legs: [],
    wrappingForMs,
    conversation: {
      conversationSid: refs.conversationSid,
      state: conversation.kind === 'fetched' ? 'closed' : 'deleted',
      endedAt: endedAtMs === null ? null : new Date(endedAtMs).toISOString(),
      interactionSid: refs.interactionSid,
      channelSid: refs.channelSid,
      channelType: fetchedChannel?.type ?? null,
    },
  };
}

/**
 * The full judgement. `observations` is what is known about the legs' calls, by Call SID (ignored
 * when the task alone decides). One live leg decides; otherwise every leg must have been observed,
 * and a task whose legs have not all been observed is never stuck. `messaging`: what is known about a
 * messaging task's conversation and channel.
 */
export function classifyTask(
  task: TwilioTask,
  observations: LegObservations | undefined,
  context: RuleContext,
  messaging?: MessagingObservations,
): Classification {
  const precheck = precheckTask(task, context);
  if (precheck.verdict === 'needs_conversation') {
    if (messaging === undefined) {
      throw new Error(`classifyTask: the conversation of task ${task.sid} must be looked up first`);
    }
    return judgeConversation(task, precheck, messaging, context);
  }
  if (precheck.verdict !== 'needs_legs') return precheck;
  return judgeLegs(task, precheck, observations ?? new Map(), context);
}

/** The legs that need a lookup, given what is already known: none once a leg is known to be live. */
export function legsToFetch(needed: LegsNeeded, known: LegObservations): string[] {
  if (needed.callSids.some((sid) => isLiveObservation(known.get(sid)))) return [];
  return needed.callSids.filter((sid) => !known.has(sid));
}

function isLiveObservation(observation: CallObservation | undefined): boolean {
  if (observation === undefined) return false;
  if (observation.kind === 'live') return true;
  return observation.kind === 'fetched' && !isTerminalCallStatus(observation.call.status);
}

/**
 * The verdict by the legs, in this order: any leg live -> active; any leg not found -> needs review;
 * any leg ended inside the grace period -> active (settling); else stuck.
 */
export function judgeLegs(
  task: TwilioTask,
  needed: LegsNeeded,
  observations: LegObservations,
  context: RuleContext,
): Classification {
  const { legs, action, kind, wrappingForMs } = needed;
  const observed = legs.map((leg) => ({
    leg,
    observation: isCallSid(leg.callSid) ? observations.get(leg.callSid) : ({ kind: 'not_found' } as const),
  }));
  for (const { leg, observation } of observed) {
    if (observation?.kind === 'live')
      return { verdict: 'active', reason: 'call_live', leg: { ...leg, status: observation.status } };
    if (observation?.kind === 'fetched' && !isTerminalCallStatus(observation.call.status)) {
      return { verdict: 'active', reason: 'call_live', leg: { ...leg, status: observation.call.status } };
    }
  }
  const missing = observed.find(({ observation }) => observation === undefined);
  if (missing) {
    throw new Error(`classifyTask: the call ${missing.leg.callSid} of task ${task.sid} must be looked up first`);
  }
  if (observed.some(({ observation }) => observation?.kind === 'not_found')) {
    return { verdict: 'needs_review', problem: 'call_not_found', callSid: legs[0].callSid, action, legs };
  }
  const ended = observed.map(({ leg, observation }) => {
    const call = (observation as { kind: 'fetched'; call: TwilioCall }).call;
    return { leg: toCallLeg(leg, call), endedAtMs: callEndedAtMs(call) };
  });
  const settling = ended
    .filter(({ endedAtMs }) => endedWithinGrace(endedAtMs, context))
    .sort((a, b) => (b.endedAtMs ?? 0) - (a.endedAtMs ?? 0));
  if (settling.length > 0) return { verdict: 'active', reason: 'call_settling', ...settling[0] };
  const callLegs = ended.map(({ leg }) => leg);
  const endTimes = callLegs.map((leg) => leg.endedAt).filter((value): value is string => value !== null);
  const latestEnd = endTimes.length === 0 ? null : endTimes.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
  return {
    verdict: 'stuck',
    kind,
    action,
    callSid: callLegs[0].callSid,
    callStatus: callLegs[0].status,
    callEndedAt: latestEnd,
    legs: callLegs,
    wrappingForMs,
    conversation: null,
  };
}

/** A leg as the contract shows it: its end time in ISO 8601, null when Twilio gave none. */
function toCallLeg(leg: TaskLeg, call: TwilioCall): CallLeg {
  const endMs = call.end_time === null ? NaN : Date.parse(call.end_time);
  return {
    callSid: leg.callSid,
    role: leg.role,
    status: call.status,
    endedAt: Number.isNaN(endMs) ? null : new Date(endMs).toISOString(),
    from: call.from,
    to: call.to,
  };
}

/**
 * When the call ended: its end time, else the last change to the call (when its status became
 * terminal). null when Twilio gives neither.
 */
export function callEndedAtMs(call: TwilioCall): number | null {
  for (const value of [call.end_time, call.date_updated]) {
    const ms = value === null ? NaN : Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  return null;
}

/** Inside the grace period orchestration may still be moving the task on its own. */
export function endedRecently(call: TwilioCall, context: GraceContext): boolean {
  return endedWithinGrace(callEndedAtMs(call), context);
}

export type GraceContext = Pick<RuleContext, 'nowMs' | 'graceSeconds'>;

/** Whether a call that ended at `endedAtMs` (null: not known) ended less than the grace period before now. */
export function endedWithinGrace(endedAtMs: number | null, context: GraceContext): boolean {
  return endedAtMs !== null && context.nowMs - endedAtMs < context.graceSeconds * 1000;
}

/** Whole seconds since the task was created (Twilio's `age` when the creation date is unreadable). */
export function taskAgeSeconds(task: TwilioTask, nowMs: number): number {
  const created = task.date_created === null ? NaN : Date.parse(task.date_created);
  if (Number.isNaN(created)) return Math.max(0, task.age ?? 0);
  return Math.max(0, Math.floor((nowMs - created) / 1000));
}
