/**
 * Closing a stuck messaging task: Twilio's Flex Conversations best practice forbids canceling or
 * completing it through the Task API, so its Interaction Channel is closed (`Status=closed`,
 * `Routing={"status":"closed"}`) and Flex moves the task on. What Flex does to a pending or reserved
 * task is not documented, so the task is read back and the result says what it really became.
 */
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { DeadlineExceededError } from '../gateway/errors';
import type { TwilioTask, UpdateChannelResult } from '../gateway/types';
import type { Attempt, CloseRun } from './close';
import type { Classification } from './rules';

type Stuck = Extract<Classification, { verdict: 'stuck' }>;

/**
 * Sends the channel close for a task just re-checked (`checkedAt`) and reports what the task became.
 * `check_again`: the close could not leave soon enough after the re-check (the rate limit's queue) and
 * was not sent; the caller re-checks.
 */
export async function closeThroughChannel(
  run: CloseRun,
  task: TwilioTask,
  classification: Classification,
  checkedAt: number,
  attempt: Attempt,
): Promise<CloseResult | 'check_again'> {
  const { deps, budget } = run;
  const stuck = classification as Stuck;
  const conversation = stuck.conversation;
  if (conversation === null) throw new Error(`closeThroughChannel: task ${task.sid} is not a messaging suspect`);
  const updateBudget = {
    ...budget,
    deadline: Math.min(budget.deadline ?? Infinity, checkedAt + run.maxChannelCheckAgeMs),
  };
  let update: UpdateChannelResult;
  try {
    attempt.sentFor = { task, classification, attributesUpdated: false };
    update = await deps.gateway.closeInteractionChannel(
      conversation.interactionSid,
      conversation.channelSid,
      updateBudget,
    );
  } catch (error) {
    const overallLeft = budget.deadline === undefined || Date.now() < budget.deadline;
    // Out of its own window only (not the whole budget): the request never left, so look again.
    if (error instanceof DeadlineExceededError && overallLeft && Date.now() >= updateBudget.deadline) {
      attempt.sentFor = null;
      return 'check_again';
    }
    throw error;
  }
  return readBack(run, task, stuck, update);
}

/** After a close sent in an earlier round of this attempt: the task closed meanwhile is that close's doing. */
export function closedByEarlierChannelClose(run: CloseRun, now: TwilioTask, attempt: Attempt): CloseResult | null {
  const sent = attempt.sentFor;
  if (sent === null || sent.classification.verdict !== 'stuck' || sent.classification.conversation === null)
    return null;
  if (now.assignment_status !== 'canceled' && now.assignment_status !== 'completed') return null;
  return report(run, sent.task, sent.classification, now.assignment_status, null);
}

async function readBack(
  run: CloseRun,
  before: TwilioTask,
  stuck: Stuck,
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
    return report(run, before, stuck, became, twilioSays);
  }
  log(run, before, stuck, became ?? 'gone', update);
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
  became: 'canceled' | 'completed',
  twilioSays: string | null,
): CloseResult {
  log(run, before, stuck, became, null);
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

/** The audit line: the Interactions API takes no reason, so who closed it is only written here. */
function log(
  run: CloseRun,
  before: TwilioTask,
  stuck: Stuck,
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
    forced: false,
  });
}
