import { CALL_SID_LEG_ROLE, MAX_CLOSE_BATCH, TASK_SID_PATTERN } from '@plugin-stuck-tasks/contract';
import type { CallStatus, CloseAction, CloseResult } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError, UpstreamError } from '../gateway/errors';
import type { CloseStatus, RequestBudget, TwilioTask, UpdateTaskResult } from '../gateway/types';
import { formatCloseReason, parseClosedBy, sanitizeIdentity } from './closeReason';
import type { EngineDeps } from './deps';
import { ruleContextOf } from './deps';
import { withInsightsOutcome } from './insightsOutcome';
import { fetchLegCalls, observationsOf } from './legCalls';
import { INTERACTIONS_REQUESTS_PER_SECOND } from '../gateway/twilioGateway';
import { closeThroughChannel, closedByEarlierChannelClose } from './closeMessaging';
import { observeMessaging } from './messagingObservations';
import { judgeLegs, precheckTask } from './rules';
import type { Classification, RuleContext, TaskLeg } from './rules';

/** 50 tasks, retries included, inside a Function's 10 s with room for token validation and the answer. */
export const DEFAULT_CLOSE_DEADLINE_MS = 7_500;

/**
 * Longest time between re-checking a task's call and sending its update (retries and backoff
 * included); older, and the task is checked again. Twilio cannot make the update conditional on the
 * call, so this keeps the unavoidable window to about one round trip.
 */
export const DEFAULT_MAX_CHECK_AGE_MS = 1_000;

/**
 * The same for a messaging task's channel close: the Interactions API's limit spaces the closes of a
 * batch 1/20 s apart, so the last of MAX_CLOSE_BATCH waits up to 2.5 s for its turn after its re-check.
 */
export const DEFAULT_MAX_CHANNEL_CHECK_AGE_MS =
  DEFAULT_MAX_CHECK_AGE_MS + Math.ceil((MAX_CLOSE_BATCH * 1000) / INTERACTIONS_REQUESTS_PER_SECOND);

export interface CloseOptions {
  /** Every result is in by then (default 7.5 s). */
  deadlineMs?: number;
  maxCheckAgeMs?: number;
  /** For messaging tasks (default DEFAULT_MAX_CHANNEL_CHECK_AGE_MS). */
  maxChannelCheckAgeMs?: number;
  /**
   * Once aborted, no further task is started (each is answered `failed`, "not attempted", unchanged);
   * tasks already being re-checked or updated finish and report their real outcome.
   */
  signal?: AbortSignal;
}

export interface CloseRequestInput {
  taskSids: string[];
  /** Also close tasks that need review (never one whose call is live or ended inside the grace period). */
  force: boolean;
  /** Who asked, from the validated token: written (sanitised, see closeReason.ts) to the task's reason and the log. */
  identity: string;
}

/** The answer for a task not started because the close was stopped (the CLI's Ctrl-C). */
export const NOT_ATTEMPTED = 'Not attempted: the close was stopped before this task; it was not changed.';

const CLOSED_STATUS: Record<Exclude<CloseAction, 'close_interaction'>, CloseStatus> = {
  cancel: 'canceled',
  complete: 'completed',
};

export const PROBLEM_TEXT = {
  no_call_sid: 'its attributes carry no call_sid',
  call_not_found: 'the call it names does not exist',
  bad_attributes: 'its attributes are not a JSON object',
  no_interaction: 'it names a conversation but no interaction channel, so it cannot be closed safely',
  interaction_closed: 'its interaction channel is already closed or unknown, yet the task is open',
} as const;

/**
 * Closes the given tasks, each re-checked just before: fetched (with its ETag), its call fetched
 * again, judged by the rules, then updated with `If-Match`. One result per requested SID, in order.
 */
export async function closeTasks(
  deps: EngineDeps,
  asked: CloseRequestInput,
  options: CloseOptions = {},
): Promise<CloseResult[]> {
  // The reason and the log line get the same sanitised identity.
  const request = { ...asked, identity: sanitizeIdentity(asked.identity) };
  const run: CloseRun = {
    deps,
    request,
    reason: formatCloseReason(deps.settings.closeReason, request.identity),
    budget: { deadline: Date.now() + (options.deadlineMs ?? DEFAULT_CLOSE_DEADLINE_MS) },
    maxCheckAgeMs: options.maxCheckAgeMs ?? DEFAULT_MAX_CHECK_AGE_MS,
    maxChannelCheckAgeMs: options.maxChannelCheckAgeMs ?? DEFAULT_MAX_CHANNEL_CHECK_AGE_MS,
    stop: options.signal,
  };
  const distinct = [...new Set(request.taskSids)];
  const results = new Map<string, CloseResult>();
  await Promise.all(
    distinct.map(async (taskSid) => {
      results.set(taskSid, await closeOne(run, taskSid));
    }),
  );
  return request.taskSids.map((taskSid) => results.get(taskSid) as CloseResult);
}

/** What every task of one close request shares. */
export interface CloseRun {
  deps: EngineDeps;
  /** With the identity sanitised. */
  request: CloseRequestInput;
  /** The task reason written by an update: CLOSE_REASON and who asked. */
  reason: string;
  budget: RequestBudget;
  maxCheckAgeMs: number;
  maxChannelCheckAgeMs: number;
  /** No task starts once this is aborted. */
  stop?: AbortSignal;
}

/** An update request that may have reached Twilio: the task and the verdict it was sent for. */
interface SentUpdate {
  task: TwilioTask;
  classification: Classification;
  /** Whether the update carried the Insights outcome in the attributes (a channel close: the closure marker was written). */
  attributesUpdated: boolean;
}

export interface Attempt {
  /** Set once an update request may have reached Twilio. */
  sentFor: SentUpdate | null;
}

async function closeOne(run: CloseRun, taskSid: string): Promise<CloseResult> {
  const result = (outcome: CloseResult['outcome'], message: string): CloseResult => ({ taskSid, outcome, message });
  if (!TASK_SID_PATTERN.test(taskSid)) return result('not_found', 'Not a Task SID (WT followed by 32 hex digits).');
  const attempt: Attempt = { sentFor: null };
  const notAttempted = () => result('failed', NOT_ATTEMPTED);
  if (run.stop?.aborted) return notAttempted();
  try {
    // One slot for the whole re-check and update: no queueing between reading the call and writing the task.
    return await run.deps.gateway.withSlot((gateway) =>
      run.stop?.aborted
        ? Promise.resolve(notAttempted())
        : verifyAndClose({ ...run, deps: { ...run.deps, gateway } }, taskSid, attempt),
    );
  } catch (error) {
    if (error instanceof UpstreamError || error instanceof DeadlineExceededError) {
      const cause = error instanceof UpstreamError ? error.message : 'Ran out of time';
      return result(
        'failed',
        attempt.sentFor
          ? `${cause}. Twilio did not confirm the update: the task may or may not be closed; scan again.`
          : `${cause}. The task was not changed; try again.`,
      );
    }
    throw error;
  }
}

/** Rounds of re-check and update for one task: a 412 or a re-check gone stale earns another. */
const MAX_ROUNDS = 3;

async function verifyAndClose(run: CloseRun, taskSid: string, attempt: Attempt): Promise<CloseResult> {
  const { deps, request, reason, budget, maxCheckAgeMs } = run;
  const result = (outcome: CloseResult['outcome'], message: string): CloseResult => ({ taskSid, outcome, message });
  let preconditionFailures = 0;
  for (let round = 1; round <= MAX_ROUNDS; round += 1) {
    const fetched = await deps.gateway.fetchTask(taskSid, budget);
    if (fetched === null) {
      return attempt.sentFor
        ? result('failed', 'The task disappeared after the update was sent: it may or may not have been closed.')
        : result('not_found', 'Task not found (closed tasks disappear after about 5 minutes).');
    }
    const closedByChannel = closedByEarlierChannelClose(run, fetched.task, attempt);
    if (closedByChannel) return closedByChannel;
    const closedByUs = closedBySameIdentity(fetched.task, deps.settings.closeReason, request.identity);
    if (closedByUs && attempt.sentFor) {
      // An earlier update of this attempt was applied although its answer was lost.
      return closedResult(run, taskSid, attempt.sentFor, closedByUs);
    }
    if (closedByUs) {
      // A retried request (the client saw a 5xx or no answer): its first attempt closed the task, so
      // report that close rather than "already closed". Its audit line was written by that attempt.
      const verb = closedByUs === 'canceled' ? 'Canceled' : 'Completed';
      return result(closedByUs, `${verb} (by an earlier attempt as ${request.identity}).`);
    }
    if (preconditionFailures >= 2) {
      return result('failed', 'The task kept changing while being closed, so it was left as it is; scan again.');
    }

    const context = ruleContextOf(deps);
    const classification = await judge(deps, fetched.task, context, budget);
    const checkedAt = Date.now();
    const decision = decide(classification, request.force, fetched.task, context);
    if ('refusal' in decision) return result('not_stuck', decision.refusal);
    if (decision.action === 'close_interaction') {
      // Never the Task API for a messaging task: its interaction channel is closed instead.
      const closing = await closeThroughChannel(run, fetched, classification, checkedAt, attempt);
      if (closing === 'check_again') continue;
      if (closing === 'changed') {
        // The marker's If-Match failed: the task changed since the re-check (as a 412 below).
        preconditionFailures += 1;
        continue;
      }
      return closing;
    }
    if (fetched.etag === null) {
      return result('failed', 'Twilio sent no ETag for the task, so it cannot be updated safely; it was not changed.');
    }

    // Flex Insights' outcome goes in the same update: the ETag guarantees the attributes it was
    // written into are the ones just read.
    const attributes = withInsightsOutcome(fetched.task.attributes, deps.settings.insightsOutcome);
    const sent: SentUpdate = { task: fetched.task, classification, attributesUpdated: attributes !== null };
    attempt.sentFor = sent;
    const status = CLOSED_STATUS[decision.action as Exclude<CloseAction, 'close_interaction'>];
    // The update must leave soon after the re-check, or the re-check is done again.
    const updateBudget = { ...budget, deadline: Math.min(budget.deadline ?? Infinity, checkedAt + maxCheckAgeMs) };
    let update: UpdateTaskResult;
    try {
      update = await deps.gateway.updateTask(
        taskSid,
        {
          assignmentStatus: status,
          reason,
          ifMatch: fetched.etag,
          ...(attributes === null ? {} : { attributes }),
        },
        updateBudget,
      );
    } catch (error) {
      const outOfTime = budget.deadline !== undefined && Date.now() >= budget.deadline;
      if (
        outOfTime ||
        round === MAX_ROUNDS ||
        !(error instanceof UpstreamError || error instanceof DeadlineExceededError)
      ) {
        throw error;
      }
      continue; // the next re-check also tells whether this update was applied
    }
    switch (update.kind) {
      case 'updated':
        return closedResult(run, taskSid, sent, status);
      case 'not_found':
        return update.afterUnansweredAttempt
          ? result(
              'failed',
              'The task disappeared after an update attempt went unanswered: it may or may not have been closed.',
            )
          : result('not_found', 'Task disappeared before it could be closed.');
      case 'precondition_failed':
        // Changed since it was read (or our own lost update changed it): look again.
        preconditionFailures += 1;
        continue;
      case 'rejected': {
        // A retried update may have been applied on an earlier attempt whose answer was lost.
        const now = await deps.gateway.fetchTask(taskSid, budget);
        const appliedEarlier =
          now === null ? null : closedBySameIdentity(now.task, deps.settings.closeReason, request.identity);
        if (appliedEarlier) return closedResult(run, taskSid, sent, appliedEarlier);
        const state = now === null ? 'gone' : now.task.assignment_status;
        return result(
          'not_stuck',
          `Not closed: the task's state moved on (now ${state}) and Twilio refused the update${
            update.twilioCode ? ` (code ${update.twilioCode})` : ''
          }.`,
        );
      }
    }
  }
  return result('failed', 'The task kept changing while being closed, so it was left as it is; scan again.');
}

/**
 * The verdict right now: every leg (or a messaging task's conversation and channel) is always fetched
 * again, never taken from a scan or a live list.
 */
export async function judge(
  deps: EngineDeps,
  task: TwilioTask,
  context: RuleContext,
  budget: RequestBudget,
): Promise<Classification> {
  const precheck = precheckTask(task, context);
  if (precheck.verdict === 'needs_conversation') {
    return observeMessaging(deps.gateway, task, precheck, context, budget);
  }
  if (precheck.verdict !== 'needs_legs') return precheck;
  // On this task's slot, which runs its requests one after another (one in flight per slot): the legs
  // are read right before the update, without queueing behind other tasks' work.
  const calls = await fetchLegCalls(deps.gateway, precheck.callSids, budget);
  return judgeLegs(task, precheck, observationsOf(calls), context);
}

/** "its call CA…" for the task's `call_sid`, "its worker leg CA…" for a conference participant. */
function legName(leg: TaskLeg): string {
  return leg.role === CALL_SID_LEG_ROLE ? `its call ${leg.callSid}` : `its ${leg.role} leg ${leg.callSid}`;
}

export function decide(
  classification: Classification,
  force: boolean,
  task: TwilioTask,
  context: RuleContext,
): { action: CloseAction } | { refusal: string } {
  switch (classification.verdict) {
    case 'stuck':
      return { action: classification.action };
    case 'needs_review':
      if (classification.action === 'close_interaction') {
        // No safe close exists for these: not even force closes the Task itself behind Flex's back.
        return {
          refusal: `Not closed: needs review (${PROBLEM_TEXT[classification.problem]}). A messaging task is closed only through its interaction channel, even with force.`,
        };
      }
      if (force) return { action: classification.action };
      return {
        refusal: `Not closed: needs review (${PROBLEM_TEXT[classification.problem]}). Close it with force if you are sure.`,
      };
    case 'active':
      return { refusal: activeRefusal(classification, context) };
    case 'closed':
      return { refusal: `Not closed: the task is already ${classification.assignmentStatus}.` };
    case 'skipped':
      return classification.reason === 'not_voice'
        ? {
            refusal: `Not closed: it is a ${task.task_channel_unique_name ?? 'non-voice'} task, not a voice task${
              context.messaging ? '' : ' (messaging tasks are off: MESSAGING=off)'
            }.`,
          }
        : {
            refusal: `Not closed: its queue ${
              task.task_queue_friendly_name ?? task.task_queue_sid ?? ''
            } is excluded from stuck-task handling.`,
          };
  }
}

/** Why an active task is not closed: a live leg, a leg that just ended, or a wrap-up not yet overdue. */
function activeRefusal(active: Extract<Classification, { verdict: 'active' }>, context: RuleContext): string {
  switch (active.reason) {
    case 'call_live':
      return `Not closed: ${legName(active.leg)} is still ${active.leg.status}.`;
    case 'call_settling':
      return `Not closed: ${legName(active.leg)} ended ${secondsSince(active.endedAtMs, context)}inside the ${
        context.graceSeconds
      } s grace period, and orchestration may still move the task.`;
    case 'wrapup_in_progress':
      return active.wrappingForMs === null
        ? 'Not closed: it is wrapping and when it last changed cannot be read, so its wrap-up is not overdue.'
        : `Not closed: it has been wrapping for ${minutes(active.wrappingForMs)} min, less than the ${
            context.wrapupOverdueMinutes ?? 0
          } min after which a wrap-up is overdue.`;
    case 'conversation_open':
      return `Not closed: its conversation ${active.conversationSid} is still ${active.state}.`;
    case 'conversation_settling':
      return `Not closed: its conversation ${active.conversationSid} closed ${secondsSince(active.endedAtMs, context)}inside the ${
        context.graceSeconds
      } s grace period, and Flex may still move the task.`;
    case 'channel_held':
      return `Not closed: its interaction channel ${active.channelSid} is ${
        active.status === 'pause' ? 'paused' : 'in transfer'
      }.`;
  }
}

export function secondsSince(endedAtMs: number | null, context: RuleContext): string {
  if (endedAtMs === null) return '';
  const seconds = Math.max(0, Math.round((context.nowMs - endedAtMs) / 1000));
  return `${seconds} s ago, `;
}

/** Whole minutes, rounded down (a wrap-up is overdue only once the full threshold has passed). */
export function minutes(ms: number): number {
  return Math.max(0, Math.floor(ms / 60_000));
}

/**
 * The status the task was closed with, when this service closed it in the name of the same identity
 * (its reason is `<CLOSE_REASON> Closed by <identity>.`): by this request, or by an earlier attempt of it.
 */
function closedBySameIdentity(task: TwilioTask, closeReason: string, identity: string): CloseStatus | null {
  if (task.assignment_status !== 'canceled' && task.assignment_status !== 'completed') return null;
  return parseClosedBy(task.reason, closeReason) === identity ? task.assignment_status : null;
}

function closedResult(run: CloseRun, taskSid: string, sent: SentUpdate, status: CloseStatus): CloseResult {
  const { task: before, classification } = sent;
  const stuck = classification.verdict === 'stuck' ? classification : null;
  const callStatus: CallStatus | null = stuck?.callStatus ?? null;
  const forced = classification.verdict === 'needs_review';
  const legs =
    stuck !== null
      ? stuck.legs.map(({ role, callSid, status: legStatus }) => ({ role, callSid, status: legStatus }))
      : classification.verdict === 'needs_review'
        ? classification.legs.map(({ role, callSid }) => ({ role, callSid, status: null }))
        : [];
  run.deps.log?.({
    event: 'task_closed',
    identity: run.request.identity,
    taskSid,
    fromStatus: before.assignment_status,
    action: status === 'canceled' ? 'cancel' : 'complete',
    kind: stuck?.kind ?? null,
    callStatus,
    legs,
    insightsOutcome: sent.attributesUpdated ? run.deps.settings.insightsOutcome : null,
    forced,
  });
  const verb = status === 'canceled' ? 'Canceled' : 'Completed';
  return { taskSid, outcome: status, message: `${verb} (${closedDetail(classification, before)}).` };
}

/** What the closed task was and why it could be closed, for the result message. */
function closedDetail(classification: Classification, before: TwilioTask): string {
  if (classification.verdict === 'needs_review') {
    return `was ${before.assignment_status}; forced although ${PROBLEM_TEXT[classification.problem]}`;
  }
  if (classification.verdict !== 'stuck') return `was ${before.assignment_status}`;
  const was =
    classification.kind === 'wrapup_overdue' && classification.wrappingForMs !== null
      ? `was wrapping for ${minutes(classification.wrappingForMs)} min`
      : `was ${before.assignment_status}`;
  const calls =
    classification.kind === 'call_ended' && classification.legs.length === 1
      ? `call ${classification.callStatus}`
      : 'every call leg ended';
  return `${was}; ${calls}`;
}
