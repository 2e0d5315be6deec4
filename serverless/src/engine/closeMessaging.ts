/**
 * Closing a stuck messaging task: Twilio's Flex Conversations best practice forbids canceling or
 * completing it through the Task API, so its Interaction Channel is closed (`Status=closed`,
 * `Routing={"status":"closed"}`) and Flex moves the task on. What Flex does to a pending or reserved
 * task is not documented, so the task is read back and the result says what it really became.
 *
 * The Interactions API takes no reason, so just before the channel close the closure marker (who
 * closed it and why, closureMarker.ts) is written into the task's attributes: attributes only, with
 * `If-Match` of the re-check's ETag, never AssignmentStatus or Reason. The task event the close causes
 * carries those attributes, and the history reads the marker from it.
 */
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError } from '../gateway/errors';
import type { FetchedTask, RequestBudget, TwilioTask, UpdateChannelResult } from '../gateway/types';
import type { Attempt, CloseRun } from './close';
import { withClosureMarker } from './closureMarker';
import { nowOf } from './deps';
import type { Classification } from './rules';

type Stuck = Extract<Classification, { verdict: 'stuck' }>;

/**
 * Writes the closure marker, then sends the channel close for a task just re-checked (`checkedAt`) and
 * reports what the task became. `check_again`: the marker or the close could not leave soon enough
 * after the re-check (the rate limit's queue) and the close was not sent; `changed`: the marker's
 * `If-Match` failed (412), the task changed since the re-check. The caller re-checks in both cases.
 */
export async function closeThroughChannel(
  run: CloseRun,
  fetched: FetchedTask,
  classification: Classification,
  checkedAt: number,
  attempt: Attempt,
): Promise<CloseResult | 'check_again' | 'changed'> {
  const { deps, budget } = run;
  const task = fetched.task;
  const stuck = classification as Stuck;
  const conversation = stuck.conversation;
  if (conversation === null) throw new Error(`closeThroughChannel: task ${task.sid} is not a messaging suspect`);
  const updateBudget = {
    ...budget,
    deadline: Math.min(budget.deadline ?? Infinity, checkedAt + run.maxChannelCheckAgeMs),
  };
  const marker = await writeClosureMarker(run, fetched, conversation.channelSid, updateBudget);
  if (marker === 'check_again' || marker === 'changed') return marker;
  if (marker === 'task_gone') {
    return { taskSid: task.sid, outcome: 'not_found', message: 'Task disappeared before it could be closed.' };
  }
  let update: UpdateChannelResult;
  try {
    attempt.sentFor = { task, classification, attributesUpdated: marker === 'written' };
    update = await deps.gateway.closeInteractionChannel(
      conversation.interactionSid,
      conversation.channelSid,
      updateBudget,
    );
  } catch (error) {
    // Out of its own window only (not the whole budget): the request never left, so look again.
    if (outOfOwnWindowOnly(error, budget, updateBudget)) {
      attempt.sentFor = null;
      return 'check_again';
    }
    throw error;
  }
  return readBack(run, task, stuck, marker === 'written', update);
}

/**
 * What came of the marker: written; not written, and the close goes on without it (Twilio sent no
 * ETag, so the attributes cannot be written safely; the attributes are not a JSON object; Twilio
 * refused the attributes with a 400 — the audit log line still names who closed the task); or the
 * close must not go on now (re-check, or the task is gone).
 */
type MarkerOutcome = 'written' | 'skipped' | 'check_again' | 'changed' | 'task_gone';

async function writeClosureMarker(
  run: CloseRun,
  fetched: FetchedTask,
  channelSid: string,
  updateBudget: RequestBudget,
): Promise<MarkerOutcome> {
  const { deps, budget } = run;
  if (fetched.etag === null) return 'skipped';
  const attributes = withClosureMarker(fetched.task.attributes, {
    reason: run.reason,
    closedBy: run.request.identity,
    at: new Date(nowOf(deps)).toISOString(),
    channelSid,
  });
  if (attributes === null) return 'skipped';
  try {
    const written = await deps.gateway.updateTaskAttributes(
      fetched.task.sid,
      { attributes, ifMatch: fetched.etag },
      updateBudget,
    );
    switch (written.kind) {
      case 'updated':
        return 'written';
      case 'precondition_failed':
        return 'changed';
      case 'not_found':
        return 'task_gone';
      case 'rejected':
        return 'skipped';
    }
  } catch (error) {
    if (outOfOwnWindowOnly(error, budget, updateBudget)) return 'check_again';
    throw error;
  }
}

/** A request that ran out of the window after its re-check, with the whole budget still left. */
function outOfOwnWindowOnly(error: unknown, budget: RequestBudget, updateBudget: RequestBudget): boolean {
  const overallLeft = budget.deadline === undefined || Date.now() < budget.deadline;
  return (
    error instanceof DeadlineExceededError &&
    overallLeft &&
    updateBudget.deadline !== undefined &&
    Date.now() >= updateBudget.deadline
  );
}

/** After a close sent in an earlier round of this attempt: the task closed meanwhile is that close's doing. */
export function closedByEarlierChannelClose(run: CloseRun, now: TwilioTask, attempt: Attempt): CloseResult | null {
  const sent = attempt.sentFor;
  if (sent === null || sent.classification.verdict !== 'stuck' || sent.classification.conversation === null)
    return null;
  if (now.assignment_status !== 'canceled' && now.assignment_status !== 'completed') return null;
  return report(run, sent.task, sent.classification, sent.attributesUpdated, now.assignment_status, null);
}

async function readBack(
  run: CloseRun,
  before: TwilioTask,
  stuck: Stuck,
  markerWritten: boolean,
  update: UpdateChannelResult,
): Promise<CloseResult> {
  const taskSid = before.sid;
  const now = await run.deps.gateway.fetchTask(taskSid, run.budget);
  const became = now === null ? null : now.task.assignment_status;
  const twilioSays =
    update.kind === 'rejected'
      ? `Twilio refused the channel close (${update.status}${update.twilioCode ? `, code ${update.twilioCode}` : ''}: ${
          update.message
        })`
      : update.kind === 'not_found'
        ? 'Twilio no longer knows the interaction channel (404)'
        : update.channel.error_message
          ? `Twilio says: ${update.channel.error_message}${update.channel.error_code ? ` (code ${update.channel.error_code})` : ''}`
          : null;
  if (became === 'canceled' || became === 'completed') {
    return report(run, before, stuck, markerWritten, became, twilioSays);
  }
  log(run, before, stuck, markerWritten, became ?? 'gone', update);
  const state = became === null ? 'could not be read back' : `is still ${became}`;
  return {
    taskSid,
    outcome: 'failed',
    message: `The interaction channel ${stuck.conversation?.channelSid ?? ''} was ${
      update.kind === 'updated' ? 'closed' : 'not closed'
    }, but the task ${state}${twilioSays ? `. ${twilioSays}` : ''}. Look at it in Flex; the Task API was not used.`,
  };
}

function report(
  run: CloseRun,
  before: TwilioTask,
  stuck: Stuck,
  markerWritten: boolean,
  became: 'canceled' | 'completed',
  twilioSays: string | null,
): CloseResult {
  log(run, before, stuck, markerWritten, became, null);
  const conversation = stuck.conversation;
  const how = conversation?.state === 'deleted' ? 'deleted' : 'closed';
  // What the task became, not who did it: without If-Match on a channel, Flex or orchestration may
  // have closed the task in the same moment, and nothing tells the two apart.
  return {
    taskSid: before.sid,
    outcome: became,
    message: `Now ${became}: its interaction channel ${conversation?.channelSid ?? ''} was closed (was ${
      before.assignment_status
    }; conversation ${how})${twilioSays ? `. ${twilioSays}` : ''}.`,
  };
}

/**
 * The audit line: the Interactions API takes no reason, so who closed it is written here and, when
 * `closureMarker` is true, in the marker the history reads.
 */
function log(
  run: CloseRun,
  before: TwilioTask,
  stuck: Stuck,
  markerWritten: boolean,
  became: string,
  update: UpdateChannelResult | null,
): void {
  run.deps.log?.({
    event: 'task_closed',
    identity: run.request.identity,
    taskSid: before.sid,
    fromStatus: before.assignment_status,
    action: 'close_interaction',
    kind: stuck.kind,
    conversationSid: stuck.conversation?.conversationSid ?? null,
    conversationState: stuck.conversation?.state ?? null,
    interactionSid: stuck.conversation?.interactionSid ?? null,
    interactionChannelSid: stuck.conversation?.channelSid ?? null,
    became,
    channelUpdate: update === null ? 'updated' : update.kind,
    closureMarker: markerWritten,
    forced: false,
  });
}
