import type {
  CloseResult,
  OpenAssignmentStatus,
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

const STATUSES: OpenAssignmentStatus[] = ['pending', 'reserved', 'assigned'];

export function makeSuspect(n: number, overrides: Partial<Suspect> = {}): Suspect {
  const assignmentStatus = overrides.assignmentStatus ?? STATUSES[n % 3];
  return {
    taskSid: taskSid(n),
    assignmentStatus,
    taskChannel: 'voice',
    taskQueueName: `Queue ${n % 4}`,
    ageSeconds: 600 + n * 60,
    dateCreated: new Date(Date.now() - (600 + n * 60) * 1000).toISOString(),
    callSid: callSid(n),
    callStatus: 'completed',
    callEndedAt: new Date(Date.now() - (300 + n) * 1000).toISOString(),
    action: assignmentStatus === 'assigned' ? 'complete' : 'cancel',
    ...overrides,
  };
}

export function makeReviewItem(n: number, overrides: Partial<ReviewItem> = {}): ReviewItem {
  return {
    taskSid: taskSid(n),
    assignmentStatus: 'pending',
    taskChannel: 'voice',
    taskQueueName: 'Support',
    ageSeconds: 900,
    dateCreated: new Date(Date.now() - 900_000).toISOString(),
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
    call:
      isSuspect && suspectOrItem.callSid
        ? {
            callSid: suspectOrItem.callSid,
            status: suspectOrItem.callStatus,
            direction: 'inbound',
            from: '+15550100',
            to: '+15550199',
            startTime: suspectOrItem.dateCreated,
            endTime: suspectOrItem.callEndedAt,
            durationSeconds: 42,
          }
        : null,
    reservations:
      suspectOrItem.assignmentStatus === 'pending'
        ? []
        : [{ workerSid: 'WK' + 'a'.repeat(32), workerName: 'Alice Agent', status: 'accepted' }],
    verdict: isSuspect ? 'stuck' : 'needs_review',
    problem: isSuspect ? undefined : suspectOrItem.problem,
    action: isSuspect ? suspectOrItem.action : undefined,
    ...overrides,
  };
}

/** What the real service answers for a stuck task it closes. */
export function closedResult(suspect: Suspect): CloseResult {
  return suspect.action === 'complete'
    ? { taskSid: suspect.taskSid, outcome: 'completed', message: 'Completed (was assigned).' }
    : { taskSid: suspect.taskSid, outcome: 'canceled', message: `Canceled (was ${suspect.assignmentStatus}).` };
}
