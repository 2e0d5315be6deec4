/**
 * POST /stuck-tasks/scan through the real built Functions (twilio-run) against the simulator.
 */
import type { ReviewItem, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { OPEN_ASSIGNMENT_STATUSES } from '@plugin-stuck-tasks/contract';
import type { TaskView } from '@plugin-stuck-tasks/sandbox';
import type { ApiAnswer } from './support/http';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(120_000);

/**
 * More open tasks than one scan call covers (the engine stops a call after 5,000 tasks or 70 % of its
 * time budget), so the client has to follow nextPageToken, over several Twilio pages of 1,000.
 */
const OPEN_TASKS = 6500;
const EXCLUDED_QUEUE_NAME = 'Overflow';
const EXCLUDED_QUEUE_BY_SID = 'Billing';
const GRACE_SECONDS = 600;

let stack: Stack;
let excluded: Set<string>;
/** Added by hand: a call that ended inside the grace period, and one that ended well before it. */
let settlingTaskSid: string;
let endedTaskSid: string;

beforeAll(async () => {
  stack = await startStack({
    simulator: {
      seed: 'scan-suite',
      // Calls that ended "recently" are added by hand, far from the grace boundary, and the grace is
      // ten minutes, so that the minutes this suite takes on a busy machine cannot move a task across it.
      graceSeconds: GRACE_SECONDS,
      scenario: { openTasks: OPEN_TASKS, recentlyEndedShare: 0, graceSeconds: GRACE_SECONDS },
    },
    settings: (sim) => {
      const billing = sim.summary().taskQueues.find((queue) => queue.name === EXCLUDED_QUEUE_BY_SID);
      return {
        STUCK_GRACE_SECONDS: String(GRACE_SECONDS),
        // One queue by name, one by SID: both forms are documented.
        EXCLUDED_TASK_QUEUES: `${EXCLUDED_QUEUE_NAME}, ${billing?.sid}`,
      };
    },
  });
  excluded = new Set([EXCLUDED_QUEUE_NAME, EXCLUDED_QUEUE_BY_SID]);
  const settling = stack.sim.addCall({ status: 'completed', endedSecondsAgo: 5 });
  settlingTaskSid = stack.sim.addTask({
    assignmentStatus: 'assigned',
    callSid: settling.sid,
    ageSeconds: 400,
    taskQueueName: 'Support',
  }).sid;
  const ended = stack.sim.addCall({
    status: 'no-answer',
    ageSeconds: 4 * GRACE_SECONDS,
    endedSecondsAgo: 3 * GRACE_SECONDS,
  });
  endedTaskSid = stack.sim.addTask({
    assignmentStatus: 'pending',
    callSid: ended.sid,
    ageSeconds: 4 * GRACE_SECONDS,
    taskQueueName: 'Support',
  }).sid;
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
    // The body names the problem when a call fails (a 502 says what Twilio answered).
    expect({ status: answer.status, body: answer.status === 200 ? null : answer.body }).toEqual({
      status: 200,
      body: null,
    });
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
  let taskListRequests: number;

  beforeAll(async () => {
    stack.sim.resetStats();
    walk = await walkScan();
    taskListRequests = stack.sim.stats().requests['tasks.list'];
  });

  it('walks every page and reports each stuck task exactly once, as the simulator judges them', () => {
    // Several scan calls chained by nextPageToken, over all of Twilio's pages of 1,000 tasks.
    expect(walk.pages.length).toBeGreaterThan(1);
    expect(taskListRequests).toBeGreaterThanOrEqual(Math.ceil(OPEN_TASKS / 1000));
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

  it('answers a JSON body like a form body', async () => {
    const answer = await stack.call<ScanResponse>('scan', { Token: stack.adminToken() }, 'json');
    expect(answer.status).toBe(200);
    // Where a call stops depends on time, so its first page is compared as a part of the walk.
    const walked = new Set(sids(walk.suspects));
    expect(answer.body.suspects.length).toBeGreaterThan(0);
    expect(sids(answer.body.suspects).filter((sid) => !walked.has(sid))).toEqual([]);
  });

  it('gives the same answer when Twilio lists tasks with attributes: null', async () => {
    // A share of the tasks, fixed per task: the engine must fetch those to read their attributes.
    stack.sim.configure({ nullAttributesInLists: 0.3 });
    try {
      const nullWalk = await walkScan();
      // The task added with a call that ended 5 s before seeding may pass the grace period while a
      // busy machine runs this suite: it is the only one near the boundary, and has its own test below.
      const steady = (items: { taskSid: string }[]) => sids(items).filter((sid) => sid !== settlingTaskSid);
      expect(steady(nullWalk.suspects)).toEqual(steady(walk.suspects));
      expect(steady(nullWalk.needsReview)).toEqual(steady(walk.needsReview));
    } finally {
      stack.sim.configure({ nullAttributesInLists: false });
    }
  });

  it('leaves a task alone while its call ended inside STUCK_GRACE_SECONDS, and reports it after', () => {
    expect(sids(walk.suspects)).not.toContain(settlingTaskSid);
    expect(sids(walk.needsReview)).not.toContain(settlingTaskSid);
    expect(walk.suspects.find((suspect) => suspect.taskSid === endedTaskSid)).toMatchObject({
      callStatus: 'no-answer',
      action: 'cancel',
      callEndedAt: expect.any(String),
    });
  });
});
