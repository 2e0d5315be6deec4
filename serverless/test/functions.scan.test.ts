/**
 * POST /stuck-tasks/scan through the real built Functions (twilio-run) against the simulator.
 */
import type { ReviewItem, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { OPEN_ASSIGNMENT_STATUSES } from '@plugin-stuck-tasks/contract';
import type { TaskView } from '../../sandbox/src/simulator';
import type { ApiAnswer } from './support/functionsServer';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(120_000);

/** Enough open tasks for several Twilio pages (the engine lists 1,000 per page). */
const OPEN_TASKS = 2600;
const EXCLUDED_QUEUE_NAME = 'Overflow';
const EXCLUDED_QUEUE_BY_SID = 'Billing';

let stack: Stack;
let excluded: Set<string>;

beforeAll(async () => {
  stack = await startStack({
    simulator: {
      seed: 'scan-suite',
      // Calls that ended "recently" are added by hand below, far from the grace boundary, so that
      // the seconds this suite takes cannot move a task across it.
      scenario: { openTasks: OPEN_TASKS, recentlyEndedShare: 0 },
    },
    settings: (sim) => {
      const billing = sim.summary().taskQueues.find((queue) => queue.name === EXCLUDED_QUEUE_BY_SID);
      return {
        STUCK_GRACE_SECONDS: '60',
        // One queue by name, one by SID: both forms are documented.
        EXCLUDED_TASK_QUEUES: `${EXCLUDED_QUEUE_NAME}, ${billing?.sid}`,
      };
    },
  });
  excluded = new Set([EXCLUDED_QUEUE_NAME, EXCLUDED_QUEUE_BY_SID]);
});

afterAll(async () => {
  await stack?.stop();
});

interface Walk {
  pages: ScanResponse[];
  suspects: Suspect[];
  needsReview: ReviewItem[];
}

/** What a client does: call scan, then again with PageToken, until nextPageToken is null. */
async function walkScan(encoding: 'form' | 'json' = 'form'): Promise<Walk> {
  const token = stack.adminToken();
  const pages: ScanResponse[] = [];
  let pageToken: string | null = null;
  do {
    const answer: ApiAnswer<ScanResponse> = await stack.call<ScanResponse>(
      'scan',
      pageToken === null ? { Token: token } : { Token: token, PageToken: pageToken },
      encoding,
    );
    expect(answer.status).toBe(200);
    pages.push(answer.body);
    pageToken = answer.body.nextPageToken;
    expect(pages.length).toBeLessThan(50);
  } while (pageToken !== null);
  return {
    pages,
    suspects: pages.flatMap((page) => page.suspects),
    needsReview: pages.flatMap((page) => page.needsReview),
  };
}

const sids = (items: { taskSid: string }[]): string[] => items.map((item) => item.taskSid).sort();
const viewSids = (views: TaskView[]): string[] => views.map((view) => view.sid).sort();
const notExcluded = (view: TaskView): boolean => !excluded.has(view.taskQueueName);

describe('scan', () => {
  let walk: Walk;

  beforeAll(async () => {
    walk = await walkScan();
  });

  it('walks every page and reports each stuck task exactly once, as the simulator judges them', () => {
    expect(walk.pages.length).toBeGreaterThan(2);
    const expected = stack.sim.listTasks({ verdict: 'stuck' }).filter(notExcluded);
    expect(expected.length).toBeGreaterThan(300);
    expect(sids(walk.suspects)).toEqual(viewSids(expected));
  });

  it('describes each suspect with its call and the action its status calls for', () => {
    for (const suspect of walk.suspects) {
      const view = stack.sim.getTask(suspect.taskSid) as TaskView;
      expect(suspect).toMatchObject({
        assignmentStatus: view.assignmentStatus,
        taskChannel: 'voice',
        taskQueueName: view.taskQueueName,
        callSid: view.callSid,
        callStatus: view.callStatus,
        action: view.assignmentStatus === 'assigned' ? 'complete' : 'cancel',
      });
      expect(Date.parse(suspect.dateCreated)).toBe(Date.parse(view.dateCreated));
      expect(suspect.ageSeconds).toBeGreaterThan(0);
    }
  });

  it('counts calls that were canceled (and every other ended status) as ended', () => {
    const statuses = new Set(walk.suspects.map((suspect) => suspect.callStatus));
    expect([...statuses].sort()).toEqual(['busy', 'canceled', 'completed', 'failed', 'no-answer']);
    expect(walk.suspects.filter((s) => s.assignmentStatus === 'assigned').length).toBeGreaterThan(0);
    expect(walk.suspects.filter((s) => s.assignmentStatus === 'pending').length).toBeGreaterThan(0);
    expect(walk.suspects.filter((s) => s.assignmentStatus === 'reserved').length).toBeGreaterThan(0);
  });

  it('lists tasks that need a person with their problem: no call_sid, unknown call, bad attributes', () => {
    const expected = stack.sim.listTasks({ verdict: 'needs_review' }).filter(notExcluded);
    expect(sids(walk.needsReview)).toEqual(viewSids(expected));
    for (const item of walk.needsReview) {
      expect(item.problem).toBe(stack.sim.getTask(item.taskSid)?.problem);
    }
    expect(new Set(walk.needsReview.map((item) => item.problem))).toEqual(
      new Set(['no_call_sid', 'call_not_found', 'bad_attributes']),
    );
    expect(walk.needsReview.find((item) => item.problem === 'no_call_sid')?.callSid).toBeNull();
  });

  it('never reports a live call, another channel, a wrapping or closed task, or an excluded queue', () => {
    const reported = new Set([...sids(walk.suspects), ...sids(walk.needsReview)]);
    const never = stack.sim
      .listTasks()
      .filter((view) => ['active', 'not_voice', 'wrapping', 'closed'].includes(view.verdict) || !notExcluded(view));
    expect(never.length).toBeGreaterThan(1000);
    expect(never.filter((view) => reported.has(view.sid))).toEqual([]);
    const excludedStuck = stack.sim.listTasks({ verdict: 'stuck' }).filter((view) => !notExcluded(view));
    expect(excludedStuck.length).toBeGreaterThan(0);
  });

  it('counts every open task once: stuck + needs review + active + skipped = scanned', () => {
    const total = walk.pages.reduce(
      (sum, page) => ({
        scanned: sum.scanned + page.counts.scanned,
        stuck: sum.stuck + page.counts.stuck,
        needsReview: sum.needsReview + page.counts.needsReview,
        active: sum.active + page.counts.active,
        skipped: sum.skipped + page.counts.skipped,
      }),
      { scanned: 0, stuck: 0, needsReview: 0, active: 0, skipped: 0 },
    );
    expect(total.scanned).toBe(stack.sim.listTasks({ status: OPEN_ASSIGNMENT_STATUSES }).length);
    expect(total.stuck).toBe(walk.suspects.length);
    expect(total.needsReview).toBe(walk.needsReview.length);
    expect(total.stuck + total.needsReview + total.active + total.skipped).toBe(total.scanned);
  });

  it('answers JSON bodies the same as form bodies', async () => {
    const jsonWalk = await walkScan('json');
    expect(sids(jsonWalk.suspects)).toEqual(sids(walk.suspects));
  });

  it('gives the same answer when Twilio lists tasks with attributes: null', async () => {
    stack.sim.configure({ nullAttributesInLists: true });
    try {
      const nullWalk = await walkScan();
      expect(sids(nullWalk.suspects)).toEqual(sids(walk.suspects));
      expect(sids(nullWalk.needsReview)).toEqual(sids(walk.needsReview));
    } finally {
      stack.sim.configure({ nullAttributesInLists: false });
    }
  });
});

describe('scan and the grace period', () => {
  it('leaves a task alone while its call ended inside STUCK_GRACE_SECONDS, and reports it after', async () => {
    const settling = stack.sim.addCall({ status: 'completed', endedSecondsAgo: 5 });
    const settlingTask = stack.sim.addTask({ assignmentStatus: 'assigned', callSid: settling.sid, ageSeconds: 400 });
    const ended = stack.sim.addCall({ status: 'no-answer', endedSecondsAgo: 180 });
    const endedTask = stack.sim.addTask({ assignmentStatus: 'pending', callSid: ended.sid, ageSeconds: 400 });

    const walk = await walkScan();
    const suspects = sids(walk.suspects);
    expect(suspects).not.toContain(settlingTask.sid);
    expect(sids(walk.needsReview)).not.toContain(settlingTask.sid);
    expect(suspects).toContain(endedTask.sid);
    expect(walk.suspects.find((s) => s.taskSid === endedTask.sid)).toMatchObject({
      callStatus: 'no-answer',
      action: 'cancel',
      callEndedAt: expect.any(String),
    });
  });
});
