import type {
  CallLeg,
  CloseResult,
  HistoryEntry,
  LegDetails,
  OpenAssignmentStatus,
  OrphanConversation,
  ReviewItem,
  ScanResponse,
  Suspect,
  TaskDetailResponse,
} from '@plugin-stuck-tasks/contract';

/** A valid Task SID whose digits encode `n`, so tests can tell tasks apart at a glance. */
export function taskSid(n: number): string {
  return `WT${n.toString(16).padStart(32, '0')}`;
}

export function callSid(n: number): string {
  return `CA${n.toString(16).padStart(32, '0')}`;
}

export function workerSid(n: number): string {
  return `WK${n.toString(16).padStart(32, '0')}`;
}

const STATUSES: OpenAssignmentStatus[] = ['pending', 'reserved', 'assigned'];

/** Agents are shared: task n is held by agent n % 5 ("Agent 0" … "Agent 4"), unless it is pending. */
const AGENTS = 5;

/** The number task n's customer called from: +1 415 555 nnnn (E.164, as Twilio gives it). */
export function customerNumber(n: number): string {
  return `+1415555${String(n % 10_000).padStart(4, '0')}`;
}
export const CONTACT_CENTRE_NUMBER = '+18005550199';

export function makeSuspect(n: number, overrides: Partial<Suspect> = {}): Suspect {
  const assignmentStatus = overrides.assignmentStatus ?? STATUSES[n % 3];
  const callEndedAt = overrides.callEndedAt !== undefined ? overrides.callEndedAt : endedSecondsAgo(300 + n);
  const primary: CallLeg = {
    callSid: overrides.callSid ?? callSid(n),
    role: 'call_sid',
    status: overrides.callStatus ?? 'completed',
    endedAt: callEndedAt,
    // An inbound call: the customer's number, to the contact centre's.
    from: customerNumber(n),
    to: CONTACT_CENTRE_NUMBER,
  };
  const held = assignmentStatus !== 'pending';
  return {
    taskSid: taskSid(n),
    assignmentStatus,
    taskChannel: 'voice',
    taskQueueName: `Queue ${n % 4}`,
    ageSeconds: 600 + n * 60,
    dateCreated: new Date(Date.now() - (600 + n * 60) * 1000).toISOString(),
    workerSid: held ? workerSid(n % AGENTS) : null,
    workerName: held ? `Agent ${n % AGENTS}` : null,
    kind: 'call_ended',
    legs: [primary],
    callSid: primary.callSid,
    callStatus: primary.status,
    callEndedAt,
    action: assignmentStatus === 'pending' || assignmentStatus === 'reserved' ? 'cancel' : 'complete',
    conversationSid: null,
    conversationState: null,
    conversationEndedAt: null,
    interactionSid: null,
    interactionChannelSid: null,
    channelType: null,
    ...overrides,
  };
}

export function conversationSid(n: number): string {
  return `CH${n.toString(16).padStart(32, '0')}`;
}

/** A messaging suspect: its conversation closed (or deleted) and its interaction channel still open. */
export function makeMessagingSuspect(n: number, overrides: Partial<Suspect> = {}): Suspect {
  return makeSuspect(n, {
    taskChannel: 'sms',
    kind: 'conversation_closed',
    legs: [],
    callSid: null,
    callStatus: null,
    callEndedAt: null,
    action: 'close_interaction',
    conversationSid: conversationSid(n),
    conversationState: 'closed',
    conversationEndedAt: endedSecondsAgo(900 + n),
    interactionSid: `KD${n.toString(16).padStart(32, '0')}`,
    interactionChannelSid: `UO${n.toString(16).padStart(32, '0')}`,
    channelType: 'sms',
    ...overrides,
  });
}

/** An overdue wrap-up: a wrapping task whose legs (customer and agent, as Flex's conferences name them) ended. */
export function makeWrapup(n: number, overrides: Partial<Suspect> = {}): Suspect {
  const customerEnd = endedSecondsAgo(3600 + n);
  const agentEnd = endedSecondsAgo(3500 + n);
  return makeSuspect(n, {
    kind: 'wrapup_overdue',
    assignmentStatus: 'wrapping',
    action: 'complete',
    callSid: callSid(n),
    callEndedAt: agentEnd,
    legs: [
      {
        callSid: callSid(n),
        role: 'customer',
        status: 'completed',
        endedAt: customerEnd,
        from: customerNumber(n),
        to: CONTACT_CENTRE_NUMBER,
      },
      {
        callSid: callSid(0x10000 + n),
        role: 'worker',
        status: 'completed',
        endedAt: agentEnd,
        from: CONTACT_CENTRE_NUMBER,
        to: `client:agent_${n % AGENTS}`,
      },
    ],
    ...overrides,
  });
}

function endedSecondsAgo(seconds: number): string {
  return new Date(Date.now() - seconds * 1000).toISOString();
}

export function makeReviewItem(n: number, overrides: Partial<ReviewItem> = {}): ReviewItem {
  return {
    taskSid: taskSid(n),
    assignmentStatus: 'pending',
    taskChannel: 'voice',
    taskQueueName: 'Support',
    ageSeconds: 900,
    dateCreated: new Date(Date.now() - 900_000).toISOString(),
    workerSid: null,
    workerName: null,
    callSid: null,
    problem: 'no_call_sid',
    ...overrides,
  };
}

/** Splits suspects (and review items) into scan pages chained by `nextPageToken`. */
export function scanPages(
  suspects: Suspect[],
  options: { pageSize?: number; needsReview?: ReviewItem[]; activePerPage?: number } = {},
): Map<string | null, ScanResponse> {
  const pageSize = options.pageSize ?? 50;
  const needsReview = options.needsReview ?? [];
  const pageCount = Math.max(1, Math.ceil(suspects.length / pageSize));
  const pages = new Map<string | null, ScanResponse>();
  for (let index = 0; index < pageCount; index += 1) {
    const pageSuspects = suspects.slice(index * pageSize, (index + 1) * pageSize);
    const pageReview = index === 0 ? needsReview : [];
    const active = options.activePerPage ?? 3;
    pages.set(index === 0 ? null : `page-${index}`, {
      suspects: pageSuspects,
      needsReview: pageReview,
      counts: {
        scanned: pageSuspects.length + pageReview.length + active,
        stuck: pageSuspects.length,
        wrapupOverdue: pageSuspects.filter((suspect) => suspect.kind === 'wrapup_overdue').length,
        conversationClosed: pageSuspects.filter((suspect) => suspect.kind === 'conversation_closed').length,
        needsReview: pageReview.length,
        active,
        skipped: 0,
      },
      nextPageToken: index + 1 < pageCount ? `page-${index + 1}` : null,
    });
  }
  return pages;
}

export function makeDetail(
  suspectOrItem: Suspect | ReviewItem,
  overrides: Partial<TaskDetailResponse> = {},
): TaskDetailResponse {
  const isSuspect = 'action' in suspectOrItem;
  const legs: LegDetails[] = isSuspect
    ? suspectOrItem.legs.map((leg) => ({
        role: leg.role,
        callSid: leg.callSid,
        call: {
          callSid: leg.callSid,
          status: leg.status,
          direction: leg.role === 'worker' ? 'outbound-api' : 'inbound',
          from: '+15550100',
          to: '+15550199',
          startTime: suspectOrItem.dateCreated,
          endTime: leg.endedAt,
          durationSeconds: 42,
        },
      }))
    : suspectOrItem.callSid === null
      ? []
      : [{ role: 'call_sid', callSid: suspectOrItem.callSid, call: null }];
  // The agent the server reports as holding the task (pending tasks hold no one).
  const agent =
    suspectOrItem.assignmentStatus === 'pending'
      ? { workerSid: null, workerName: null }
      : {
          workerSid: suspectOrItem.workerSid ?? 'WK' + 'a'.repeat(32),
          workerName: suspectOrItem.workerName ?? 'Alice Agent',
        };
  return {
    task: {
      taskSid: suspectOrItem.taskSid,
      assignmentStatus: suspectOrItem.assignmentStatus,
      taskChannel: 'voice',
      taskQueueSid: 'WQ' + '1'.repeat(32),
      taskQueueName: suspectOrItem.taskQueueName,
      workflowName: 'Inbound support',
      ageSeconds: suspectOrItem.ageSeconds,
      dateCreated: suspectOrItem.dateCreated,
      dateUpdated: suspectOrItem.dateCreated,
      priority: 0,
      reason: null,
      attributes: isSuspect ? { call_sid: suspectOrItem.callSid, from: '+15550100', type: 'inbound' } : {},
    },
    call: legs[0]?.call ?? null,
    legs,
    conversation: null,
    interactionChannel: null,
    reservations:
      agent.workerSid === null
        ? []
        : [
            {
              workerSid: agent.workerSid,
              workerName: agent.workerName,
              status: suspectOrItem.assignmentStatus === 'wrapping' ? 'wrapping' : 'accepted',
            },
          ],
    ...agent,
    verdict: isSuspect ? 'stuck' : 'needs_review',
    kind: isSuspect ? suspectOrItem.kind : undefined,
    problem: isSuspect ? undefined : suspectOrItem.problem,
    action: isSuspect ? suspectOrItem.action : undefined,
    ...overrides,
  };
}

/** What the real service answers for a stuck task it closes. */
export function closedResult(suspect: Suspect): CloseResult {
  return suspect.action === 'complete'
    ? { taskSid: suspect.taskSid, outcome: 'completed', message: `Completed (was ${suspect.assignmentStatus}).` }
    : { taskSid: suspect.taskSid, outcome: 'canceled', message: `Canceled (was ${suspect.assignmentStatus}).` };
}

/** A closure this service made `minutesAgo` minutes ago, as `/stuck-tasks/history` lists it. */
export function makeHistoryEntry(n: number, minutesAgo: number, overrides: Partial<HistoryEntry> = {}): HistoryEntry {
  const closedBy = overrides.closedBy !== undefined ? overrides.closedBy : 'admin@example.com';
  return {
    taskSid: taskSid(n),
    closedAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    outcome: n % 2 === 0 ? 'completed' : 'canceled',
    closedBy,
    reason: closedBy === null ? 'Closed by stuck-tasks.' : `Closed by stuck-tasks. Closed by ${closedBy}.`,
    taskQueueName: `Queue ${n % 4}`,
    taskChannel: 'voice',
    ...overrides,
  };
}

/** A reverse orphan: conversation `n`, still going, unchanged for `idleSeconds`. */
export function makeOrphanConversation(
  n: number,
  idleSeconds: number,
  overrides: Partial<OrphanConversation> = {},
): OrphanConversation {
  const updated = Date.now() - idleSeconds * 1000;
  return {
    conversationSid: conversationSid(n),
    state: n % 2 === 0 ? 'inactive' : 'active',
    friendlyName: `Chat with customer ${n}`,
    dateCreated: new Date(updated - 3_600_000).toISOString(),
    dateUpdated: new Date(updated).toISOString(),
    idleSeconds,
    ...overrides,
  };
}
