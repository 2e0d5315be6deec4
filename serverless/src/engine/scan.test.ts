import type { ScanCounts, ScanResponse } from '@plugin-stuck-tasks/contract';
import { addScanCounts, ZERO_SCAN_COUNTS } from '@plugin-stuck-tasks/contract';
import { UpstreamError } from '../gateway/errors';
import type { EngineDeps } from './deps';
import { InvalidPageTokenError } from './errors';
import { LiveCallCache } from './liveCalls';
import { encodePageToken } from './pageToken';
import type { ScanOptions } from './scan';
import { MAX_STALLED_CALLS, scanPage } from './scan';
import { ManualClock, advancingOnAnswers, afterPendingWork } from '../../test/support/manualClock';
import {
  FakeGateway,
  NOW_MS,
  TEST_WORKSPACE_SID,
  makeCall,
  makeTask,
  newCallSid,
  testSettings,
} from '../../test/support/fakeGateway';

function depsFor(gateway: FakeGateway, settings = testSettings()): EngineDeps {
  return { gateway, settings, now: () => NOW_MS };
}

/** Every page of a scan, as a client calling with nextPageToken until null would see them. */
async function walk(deps: EngineDeps, options: ScanOptions = {}) {
  const pages: ScanResponse[] = [];
  let token: string | null = null;
  do {
    const page: ScanResponse = await scanPage(deps, token, options);
    pages.push(page);
    token = page.nextPageToken;
  } while (token !== null && pages.length < 1000);
  const counts = pages.reduce<ScanCounts>((sum, page) => addScanCounts(sum, page.counts), ZERO_SCAN_COUNTS);
  return {
    pages,
    counts,
    suspects: pages.flatMap((page) => page.suspects),
    needsReview: pages.flatMap((page) => page.needsReview),
  };
}

const ago = (seconds: number) => new Date(NOW_MS - seconds * 1000).toUTCString();

/** One task of every kind the scan must tell apart. */
function mixedWorkspace(gateway: FakeGateway) {
  return {
    stuckPending: gateway.addTaskWithCall({ assignment_status: 'pending' }, { status: 'completed' }).task,
    stuckReserved: gateway.addTaskWithCall({ assignment_status: 'reserved' }, { status: 'canceled' }).task,
    stuckAssigned: gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status: 'no-answer' }).task,
    live: gateway.addTaskWithCall({}, { status: 'in-progress' }).task,
    ringing: gateway.addTaskWithCall({ assignment_status: 'reserved' }, { status: 'ringing' }).task,
    settling: gateway.addTaskWithCall({}, { status: 'busy', end_time: ago(10), date_updated: ago(10) }).task,
    noCallSid: gateway.addTask(makeTask({ callSid: null })),
    badAttributes: gateway.addTask(makeTask({ attributes: '{not json' })),
    unknownCall: gateway.addTask(makeTask()),
    chat: gateway.addTaskWithCall({ task_channel_unique_name: 'chat' }, { status: 'completed' }).task,
    excluded: gateway.addTaskWithCall({ task_queue_friendly_name: 'Callbacks' }, { status: 'completed' }).task,
    wrapping: gateway.addTaskWithCall({ assignment_status: 'wrapping' }, { status: 'completed' }).task,
  };
}

describe('scanPage', () => {
  const settings = testSettings({ excludedTaskQueues: ['Callbacks'] });

  it.each<ScanOptions['callPlan']>(['live-calls', 'fetch-each'])(
    'tells every kind of task apart (%s plan)',
    async (callPlan) => {
      const gateway = new FakeGateway();
      const t = mixedWorkspace(gateway);
      const result = await walk(depsFor(gateway, settings), { callPlan });

      expect(result.suspects.map((suspect) => [suspect.taskSid, suspect.action, suspect.callStatus])).toEqual([
        [t.stuckPending.sid, 'cancel', 'completed'],
        [t.stuckReserved.sid, 'cancel', 'canceled'],
        [t.stuckAssigned.sid, 'complete', 'no-answer'],
      ]);
      expect(result.needsReview.map((item) => [item.taskSid, item.problem])).toEqual([
        [t.noCallSid.sid, 'no_call_sid'],
        [t.badAttributes.sid, 'bad_attributes'],
        [t.unknownCall.sid, 'call_not_found'],
      ]);
      // wrapping is not open: Twilio's list leaves it out.
      expect(result.counts).toEqual({
        scanned: 11,
        stuck: 3,
        wrapupOverdue: 0,
        conversationClosed: 0,
        needsReview: 3,
        active: 3,
        skipped: 2,
      });
    },
  );

  it('fills suspects and review items as the contract describes', async () => {
    const gateway = new FakeGateway();
    const { task, call } = gateway.addTaskWithCall(
      {
        assignment_status: 'assigned',
        task_queue_friendly_name: 'Sales',
        date_created: new Date(NOW_MS - 125_000).toISOString(),
      },
      { status: 'failed', end_time: 'Wed, 01 May 2024 11:50:00 +0000' },
    );
    const noCall = gateway.addTask(makeTask({ callSid: null, assignment_status: 'reserved' }));
    gateway.reservations.set(task.sid, [
      { sid: 'WR1', worker_sid: 'WKold', worker_name: 'earlier', reservation_status: 'rejected' },
      { sid: 'WR2', worker_sid: 'WKann', worker_name: 'ann', reservation_status: 'accepted' },
    ]);
    gateway.reservations.set(noCall.sid, [
      { sid: 'WR3', worker_sid: 'WKbob', worker_name: 'bob', reservation_status: 'pending' },
    ]);
    const page = await scanPage(depsFor(gateway), null);
    expect(page.suspects).toEqual([
      {
        taskSid: task.sid,
        assignmentStatus: 'assigned',
        taskChannel: 'voice',
        taskQueueName: 'Sales',
        ageSeconds: 125,
        dateCreated: new Date(NOW_MS - 125_000).toISOString(),
        workerSid: 'WKann',
        workerName: 'ann',
        kind: 'call_ended',
        legs: [
          {
            callSid: call.sid,
            role: 'call_sid',
            status: 'failed',
            endedAt: '2024-05-01T11:50:00.000Z',
            from: '+15550001111',
            to: '+15550002222',
          },
        ],
        callSid: call.sid,
        callStatus: 'failed',
        callEndedAt: '2024-05-01T11:50:00.000Z',
        action: 'complete',
        conversationSid: null,
        conversationState: null,
        conversationEndedAt: null,
        interactionSid: null,
        interactionChannelSid: null,
        channelType: null,
      },
    ]);
    expect(page.needsReview).toEqual([
      expect.objectContaining({
        taskSid: noCall.sid,
        assignmentStatus: 'reserved',
        callSid: null,
        problem: 'no_call_sid',
        workerSid: 'WKbob',
        workerName: 'bob',
      }),
    ]);
    expect(page.nextPageToken).toBeNull();
  });

  it('walks every page and reports each task once', async () => {
    const gateway = new FakeGateway();
    const stuck = Array.from({ length: 23 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    Array.from({ length: 30 }, () => gateway.addTaskWithCall({}, { status: 'in-progress' }));
    const result = await walk(depsFor(gateway), { pageSize: 10, maxTasks: 10 });
    expect(result.pages).toHaveLength(6);
    expect(result.suspects.map((suspect) => suspect.taskSid).sort()).toEqual([...stuck].sort());
    expect(result.counts).toMatchObject({ scanned: 53, stuck: 23, active: 30 });
  });

  it('covers several Twilio pages in one call while time and size allow', async () => {
    const gateway = new FakeGateway();
    Array.from({ length: 53 }, () => gateway.addTaskWithCall({}, { status: 'completed' }));
    const result = await walk(depsFor(gateway), { pageSize: 10, maxTasks: 25 });
    // 10 + 10 per call (a third page could pass 25), then 10 + 10, then the last 13 in two pages.
    expect(result.pages.map((page) => page.counts.scanned)).toEqual([20, 20, 13]);
    expect(gateway.counts.listTasks).toBe(6);

    const slow = await walk(depsFor(gateway), { pageSize: 10, softBudgetMs: 0 });
    expect(slow.pages.map((page) => page.counts.scanned)).toEqual([10, 10, 10, 10, 10, 3]);
  });

  it('reports its progress after each Twilio page it judges, not only when the call returns', async () => {
    const gateway = new FakeGateway();
    Array.from({ length: 25 }, () => gateway.addTaskWithCall({}, { status: 'completed' }));
    Array.from({ length: 5 }, () => gateway.addTaskWithCall({}, { status: 'in-progress' }));
    const progress: { scanned: number; stuck: number; suspects: number }[] = [];
    const page = await scanPage(depsFor(gateway), null, {
      pageSize: 10,
      onProgress: ({ counts, suspects }) => progress.push({ scanned: counts.scanned, stuck: counts.stuck, suspects }),
    });
    expect(page.nextPageToken).toBeNull();
    expect(progress.map((step) => step.scanned)).toEqual([10, 20, 30]);
    expect(progress[2]).toEqual({ scanned: 30, stuck: 25, suspects: 25 });
  });

  it('fetches only the calls that are not in the live-call list', async () => {
    const gateway = new FakeGateway();
    Array.from({ length: 40 }, () => gateway.addTaskWithCall({}, { status: 'in-progress' }));
    Array.from({ length: 10 }, () => gateway.addTaskWithCall({}, { status: 'completed' }));
    await walk(depsFor(gateway));
    expect(gateway.counts.fetchCall).toBe(10);
    expect(gateway.counts.listCalls).toBe(3);

    const baseline = new FakeGateway();
    Array.from({ length: 50 }, () => baseline.addTaskWithCall({}, { status: 'in-progress' }));
    await walk(depsFor(baseline), { callPlan: 'fetch-each' });
    expect(baseline.counts.fetchCall).toBe(50);
    expect(baseline.counts.listCalls).toBe(0);
  });

  it('reuses a live-call snapshot across pages when the deps carry a cache', async () => {
    const gateway = new FakeGateway();
    Array.from({ length: 30 }, () => gateway.addTaskWithCall({}, { status: 'in-progress' }));
    await walk({ ...depsFor(gateway), liveCallCache: new LiveCallCache() }, { pageSize: 10 });
    expect(gateway.counts.listCalls).toBe(3);
    expect(gateway.counts.fetchCall).toBe(0);
  });

  it('fetches a call that went live after the snapshot instead of trusting the snapshot', async () => {
    const gateway = new FakeGateway();
    gateway.addTaskWithCall({}, { status: 'in-progress' });
    const deps = { ...depsFor(gateway), liveCallCache: new LiveCallCache() };
    await scanPage(deps, null);
    const late = gateway.addTaskWithCall({}, { status: 'ringing' });
    const page = await scanPage(deps, null);
    expect(page.suspects).toEqual([]);
    expect(page.counts.active).toBe(2);
    expect(gateway.counts.fetchCall).toBe(1);
    expect(late.call.status).toBe('ringing');
  });

  it('still judges every task when the live-call list fails', async () => {
    const gateway = new FakeGateway();
    gateway.addTaskWithCall({}, { status: 'in-progress' });
    const stuck = gateway.addTaskWithCall({}, { status: 'completed' }).task;
    gateway.failNext('listCalls', { status: 503 }, { status: 503 }, { status: 503 });
    const page = await scanPage(depsFor(gateway), null);
    expect(page.suspects.map((suspect) => suspect.taskSid)).toEqual([stuck.sid]);
    expect(page.counts.active).toBe(1);
    expect(gateway.counts.fetchCall).toBe(2);
  });

  it('fetches voice tasks whose attributes the list left out, and only those', async () => {
    const gateway = new FakeGateway();
    gateway.nullAttributesInLists = true;
    const t = mixedWorkspace(gateway);
    const result = await walk(depsFor(gateway, settings));
    expect(result.suspects.map((suspect) => suspect.taskSid)).toEqual([
      t.stuckPending.sid,
      t.stuckReserved.sid,
      t.stuckAssigned.sid,
    ]);
    expect(result.needsReview.map((item) => item.problem)).toEqual(['no_call_sid', 'bad_attributes', 'call_not_found']);
    // 11 open tasks listed; the excluded queue needs no fetch; the chat task is fetched (it may be a
    // messaging task) unless MESSAGING is off.
    expect(gateway.counts.fetchTask).toBe(10);
    const voiceOnly = new FakeGateway();
    voiceOnly.nullAttributesInLists = true;
    mixedWorkspace(voiceOnly);
    await walk(depsFor(voiceOnly, { ...settings, messaging: false }));
    expect(voiceOnly.counts.fetchTask).toBe(9);
  });

  it('skips a task that vanished between the list and its fetch', async () => {
    const gateway = new FakeGateway();
    gateway.nullAttributesInLists = true;
    const task = gateway.addTaskWithCall({}, { status: 'completed' }).task;
    const fetchTask = gateway.fetchTask.bind(gateway);
    gateway.fetchTask = async (sid, budget) => {
      gateway.tasks.delete(sid);
      return fetchTask(sid, budget);
    };
    const page = await scanPage(depsFor(gateway), null);
    expect(page.counts).toEqual({
      scanned: 1,
      stuck: 0,
      wrapupOverdue: 0,
      conversationClosed: 0,
      needsReview: 0,
      active: 0,
      skipped: 1,
    });
    expect(task.sid).toMatch(/^WT/);
  });

  it('stops at the deadline and resumes exactly where it stopped', async () => {
    const gateway = new FakeGateway();
    const stuck = Array.from({ length: 60 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    gateway.concurrency = 2;
    // Time counted in Twilio answers, 20 ms each: the 150 ms deadline passes at the 8th answer.
    const clock = new ManualClock();
    const deps = { ...depsFor(advancingOnAnswers(gateway, clock, 20)), clock };
    const first = await scanPage(deps, null, { deadlineMs: 150, callPlan: 'fetch-each' });
    expect(first.counts.scanned).toBeGreaterThan(0);
    expect(first.counts.scanned).toBeLessThan(60);
    expect(first.nextPageToken).not.toBeNull();

    const resumed = await walkFrom(deps, first.nextPageToken, { callPlan: 'fetch-each' });
    expect([...first.suspects, ...resumed].map((suspect) => suspect.taskSid)).toEqual(stuck);
  });

  describe('when Twilio is too slow to judge even one task before the deadline', () => {
    /** A gateway whose answers move the clock 10 ms, and whose first `slowAnswers` answers each pass the deadline. */
    function slowAtFirst(gateway: FakeGateway, kind: 'listOpenTasks' | 'fetchCall', slowAnswers: number) {
      const clock = new ManualClock();
      let slow = slowAnswers;
      const deps = {
        ...depsFor(
          advancingOnAnswers(gateway, clock, 10, async (request) => {
            if (request === kind && slow > 0) {
              slow -= 1;
              clock.advance(1_000);
              await afterPendingWork();
            }
          }),
        ),
        clock,
      };
      return deps;
    }

    it.each(['listOpenTasks', 'fetchCall'] as const)(
      'answers an empty page that resumes at the same place, then goes on (slow %s)',
      async (kind) => {
        const gateway = new FakeGateway();
        const stuck = Array.from({ length: 12 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
        const deps = slowAtFirst(gateway, kind, 1);

        const first = await scanPage(deps, null, { deadlineMs: 500, callPlan: 'fetch-each' });

        expect(first).toMatchObject({
          suspects: [],
          needsReview: [],
          counts: ZERO_SCAN_COUNTS,
        });
        expect(first.nextPageToken).not.toBeNull();
        const rest = await walk(deps, { deadlineMs: 500, callPlan: 'fetch-each' });
        expect(rest.suspects.map((suspect) => suspect.taskSid)).toEqual(stuck);
        const resumed = await walkFrom(deps, first.nextPageToken, { deadlineMs: 500, callPlan: 'fetch-each' });
        expect(resumed.map((suspect) => suspect.taskSid)).toEqual(stuck);
      },
    );

    it('resumes a stalled page exactly where an earlier call stopped in it', async () => {
      const gateway = new FakeGateway();
      const stuck = Array.from({ length: 6 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
      const deps = slowAtFirst(gateway, 'fetchCall', 1);
      const token = encodePageToken({ cursor: null, offset: 2, afterSid: stuck[1] }, TEST_WORKSPACE_SID);

      const stalled = await scanPage(deps, token, { deadlineMs: 500, callPlan: 'fetch-each' });
      expect(stalled.counts.scanned).toBe(0);
      const resumed = await walkFrom(deps, stalled.nextPageToken, { deadlineMs: 500, callPlan: 'fetch-each' });

      expect(resumed.map((suspect) => suspect.taskSid)).toEqual(stuck.slice(2));
    });

    it('counts only stalls at the same place: Twilio pages passed on the way are progress', async () => {
      const gateway = new FakeGateway();
      const stuck = Array.from({ length: 10 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
      const clock = new ManualClock();
      let listings = 0;
      const deps = {
        ...depsFor(
          advancingOnAnswers(gateway, clock, 10, async (request) => {
            listings += request === 'listOpenTasks' ? 1 : 0;
            if (request === 'listOpenTasks' && listings === 2) {
              clock.advance(1_000);
              await afterPendingWork();
            }
          }),
        ),
        clock,
      };
      // Two stalls already at the end of the first page; this call gets past it, then stalls on the second.
      const token = encodePageToken(
        { cursor: null, offset: 5, afterSid: stuck[4], stalledCalls: MAX_STALLED_CALLS - 1 },
        TEST_WORKSPACE_SID,
      );
      const options: ScanOptions = { deadlineMs: 500, pageSize: 5, callPlan: 'fetch-each' };

      const stalled = await scanPage(deps, token, options);
      expect(stalled.counts.scanned).toBe(0);
      const resumed = await walkFrom(deps, stalled.nextPageToken, options);

      expect(resumed.map((suspect) => suspect.taskSid)).toEqual(stuck.slice(5));
    });

    it(`gives up with UpstreamError after ${MAX_STALLED_CALLS} such calls in a row, so a client never loops`, async () => {
      const gateway = new FakeGateway();
      gateway.addTaskWithCall({}, { status: 'completed' });
      const deps = slowAtFirst(gateway, 'listOpenTasks', Infinity);
      const tokens: (string | null)[] = [];
      let token: string | null = null;

      const walking = (async () => {
        for (;;) {
          const page: ScanResponse = await scanPage(deps, token, { deadlineMs: 500 });
          expect(page.counts.scanned).toBe(0);
          token = page.nextPageToken;
          tokens.push(token);
        }
      })();

      await expect(walking).rejects.toThrow(
        new UpstreamError(
          `Twilio answered too slowly to judge even one task in ${MAX_STALLED_CALLS} scan calls in a row`,
        ),
      );
      expect(tokens).toHaveLength(MAX_STALLED_CALLS - 1);
      expect(tokens.every((each) => each !== null)).toBe(true);
    });
  });

  it('resumes after the last reported task even when earlier tasks left the page', async () => {
    const gateway = new FakeGateway();
    const tasks = Array.from({ length: 6 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    const token = encodePageToken({ cursor: null, offset: 3, afterSid: tasks[2] }, TEST_WORKSPACE_SID);
    gateway.mutateTask(tasks[0], { assignment_status: 'canceled' });
    const page = await scanPage(depsFor(gateway), token);
    expect(page.suspects.map((suspect) => suspect.taskSid)).toEqual(tasks.slice(3));
  });

  it('returns what it judged before Twilio failed, and resumes at the failed task', async () => {
    const gateway = new FakeGateway();
    const tasks = Array.from({ length: 5 }, () => gateway.addTaskWithCall({}, { status: 'completed' }).task.sid);
    let fetches = 0;
    const fetchCall = gateway.fetchCall.bind(gateway);
    gateway.fetchCall = async (sid, budget) => {
      fetches += 1;
      if (fetches === 3) throw new UpstreamError('Twilio answered 503, even after retries', { status: 503 });
      return fetchCall(sid, budget);
    };
    const first = await scanPage(depsFor(gateway), null, { callPlan: 'fetch-each' });
    expect(first.suspects.map((suspect) => suspect.taskSid)).toEqual(tasks.slice(0, 2));
    const second = await scanPage(depsFor(gateway), first.nextPageToken, { callPlan: 'fetch-each' });
    expect(second.suspects.map((suspect) => suspect.taskSid)).toEqual(tasks.slice(2));
    expect(second.nextPageToken).toBeNull();
  });

  it('throws UpstreamError when not even the first task could be judged', async () => {
    const gateway = new FakeGateway();
    gateway.addTaskWithCall({}, { status: 'completed' });
    gateway.failNext('fetchCall', { status: 500 });
    await expect(scanPage(depsFor(gateway), null, { callPlan: 'fetch-each' })).rejects.toBeInstanceOf(UpstreamError);
  });

  it('throws UpstreamError when the task list fails', async () => {
    const gateway = new FakeGateway();
    gateway.failNext('listTasks', { status: 429 });
    await expect(scanPage(depsFor(gateway), null)).rejects.toThrow(/429/);
  });

  it('rejects a malformed page token before any request', async () => {
    const gateway = new FakeGateway();
    await expect(scanPage(depsFor(gateway), 'not-a-token')).rejects.toBeInstanceOf(InvalidPageTokenError);
    expect(gateway.stats().totalRequests).toBe(0);
  });

  it('turns Twilio refusing a stale page token into InvalidPageTokenError', async () => {
    const gateway = new FakeGateway();
    gateway.failNext('listTasks', { status: 400, twilioCode: 20001 });
    const token = encodePageToken(
      { cursor: { page: 4, pageToken: 'PTold' }, offset: 0, afterSid: null },
      TEST_WORKSPACE_SID,
    );
    await expect(scanPage(depsFor(gateway), token)).rejects.toBeInstanceOf(InvalidPageTokenError);
  });
});

async function walkFrom(deps: EngineDeps, token: string | null, options: ScanOptions) {
  const suspects = [];
  while (token !== null) {
    const page = await scanPage(deps, token, options);
    suspects.push(...page.suspects);
    token = page.nextPageToken;
  }
  return suspects;
}

describe('scanPage: call legs, overdue wrap-ups and agents (issue 10)', () => {
  const minutesAgo = (minutes: number) => new Date(NOW_MS - minutes * 60_000).toISOString();

  it('lists a conference task as stuck only when every leg ended, with every leg and the primary first', async () => {
    const gateway = new FakeGateway();
    const customer = gateway.addCall(
      makeCall({ status: 'completed', end_time: ago(300), from: '+14155550100', to: '+18005550199' }),
    );
    const worker = gateway.addCall(
      makeCall({ status: 'completed', end_time: ago(200), from: '+18005550199', to: 'client:ann' }),
    );
    const outbound = gateway.addTask(
      makeTask({
        callSid: null,
        assignment_status: 'assigned',
        participants: { worker: worker.sid, customer: customer.sid },
      }),
    );
    const liveWorker = gateway.addCall(makeCall({ status: 'in-progress' }));
    const ended = gateway.addCall(makeCall({ status: 'completed' }));
    const agentOnLine = gateway.addTask(makeTask({ callSid: ended.sid, participants: { worker: liveWorker.sid } }));

    const page = await scanPage(depsFor(gateway), null);
    expect(page.suspects).toEqual([
      expect.objectContaining({
        taskSid: outbound.sid,
        kind: 'call_ended',
        callSid: customer.sid,
        callEndedAt: new Date(Date.parse(ago(200))).toISOString(),
        legs: [
          {
            role: 'customer',
            callSid: customer.sid,
            status: 'completed',
            endedAt: new Date(Date.parse(ago(300))).toISOString(),
            from: '+14155550100',
            to: '+18005550199',
          },
          {
            role: 'worker',
            callSid: worker.sid,
            status: 'completed',
            endedAt: new Date(Date.parse(ago(200))).toISOString(),
            from: '+18005550199',
            to: 'client:ann',
          },
        ],
      }),
    ]);
    expect(page.suspects.map((suspect) => suspect.taskSid)).not.toContain(agentOnLine.sid);
    expect(page.counts).toMatchObject({ scanned: 2, stuck: 1, active: 1 });
  });

  it('takes a leg in the live-call list as enough: the other legs are not fetched', async () => {
    const gateway = new FakeGateway();
    const ended = gateway.addCall(makeCall({ status: 'completed' }));
    const liveWorker = gateway.addCall(makeCall({ status: 'ringing' }));
    gateway.addTask(makeTask({ callSid: ended.sid, participants: { worker: liveWorker.sid } }));
    const page = await scanPage(depsFor(gateway), null, { callPlan: 'live-calls' });
    expect(page.counts).toMatchObject({ active: 1, stuck: 0 });
    expect(gateway.counts.fetchCall).toBe(0);

    const fetchEach = new FakeGateway();
    const a = fetchEach.addCall(makeCall({ status: 'completed' }));
    const b = fetchEach.addCall(makeCall({ status: 'completed' }));
    fetchEach.addTask(makeTask({ callSid: a.sid, participants: { customer: a.sid, worker: b.sid } }));
    await scanPage(depsFor(fetchEach), null, { callPlan: 'fetch-each' });
    expect(fetchEach.counts.fetchCall).toBe(2); // the duplicated SID is one leg
  });

  it('asks for review when one leg is unknown to Twilio and none is live', async () => {
    const gateway = new FakeGateway();
    const ended = gateway.addCall(makeCall({ status: 'completed' }));
    const task = gateway.addTask(makeTask({ callSid: ended.sid, participants: { worker: newCallSid() } }));
    const page = await scanPage(depsFor(gateway), null);
    expect(page.needsReview).toEqual([
      expect.objectContaining({ taskSid: task.sid, problem: 'call_not_found', callSid: ended.sid }),
    ]);
  });

  it('never lists wrapping tasks when WRAPUP_OVERDUE_MINUTES is off', async () => {
    const gateway = new FakeGateway();
    gateway.addTaskWithCall({ assignment_status: 'wrapping', date_updated: minutesAgo(600) }, { status: 'completed' });
    const page = await scanPage(depsFor(gateway), null);
    expect(page.counts).toMatchObject({ scanned: 0, stuck: 0, wrapupOverdue: 0 });
  });

  it('with WRAPUP_OVERDUE_MINUTES on, lists overdue wrap-ups to complete and counts young ones as active', async () => {
    const gateway = new FakeGateway();
    const settings = testSettings({ wrapupOverdueMinutes: 30 });
    const overdue = gateway.addTaskWithCall(
      { assignment_status: 'wrapping', date_updated: minutesAgo(95) },
      { status: 'completed' },
    ).task;
    gateway.addTaskWithCall({ assignment_status: 'wrapping', date_updated: minutesAgo(10) }, { status: 'completed' });
    gateway.addTaskWithCall({ assignment_status: 'wrapping', date_updated: 'garbled' }, { status: 'completed' });
    const noLegs = gateway.addTask(
      makeTask({ callSid: null, assignment_status: 'wrapping', date_updated: minutesAgo(95) }),
    );
    const stuck = gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status: 'completed' }).task;
    gateway.reservations.set(overdue.sid, [
      { sid: 'WR1', worker_sid: 'WKann', worker_name: 'ann', reservation_status: 'accepted' },
      { sid: 'WR2', worker_sid: 'WKbob', worker_name: 'bob', reservation_status: 'wrapping' },
    ]);

    const page = await scanPage(depsFor(gateway, settings), null);
    expect(
      page.suspects.map((suspect) => [suspect.taskSid, suspect.kind, suspect.assignmentStatus, suspect.action]),
    ).toEqual([
      [overdue.sid, 'wrapup_overdue', 'wrapping', 'complete'],
      [stuck.sid, 'call_ended', 'assigned', 'complete'],
    ]);
    expect(page.suspects[0]).toMatchObject({ workerSid: 'WKbob', workerName: 'bob' });
    expect(page.needsReview).toEqual([
      expect.objectContaining({ taskSid: noLegs.sid, assignmentStatus: 'wrapping', problem: 'no_call_sid' }),
    ]);
    expect(page.counts).toEqual({
      scanned: 5,
      stuck: 2,
      wrapupOverdue: 1,
      conversationClosed: 0,
      needsReview: 1,
      active: 2,
      skipped: 0,
    });
    // Young wrap-ups cost no call request.
    expect(gateway.counts.fetchCall).toBe(2);
  });

  it('lists reservations only for suspects and review items that are not pending', async () => {
    const gateway = new FakeGateway();
    gateway.addTaskWithCall({ assignment_status: 'pending' }, { status: 'completed' });
    const reserved = gateway.addTaskWithCall({ assignment_status: 'reserved' }, { status: 'completed' }).task;
    const review = gateway.addTask(makeTask({ callSid: null, assignment_status: 'assigned' }));
    gateway.addTaskWithCall({ assignment_status: 'assigned' }, { status: 'in-progress' });
    gateway.addTaskWithCall(
      { assignment_status: 'assigned', task_channel_unique_name: 'chat' },
      { status: 'completed' },
    );
    const asked: string[] = [];
    const listReservations = gateway.listReservations.bind(gateway);
    gateway.listReservations = (taskSid, budget) => {
      asked.push(taskSid);
      return listReservations(taskSid, budget);
    };
    gateway.reservations.set(reserved.sid, [
      { sid: 'WR1', worker_sid: 'WKcy', worker_name: null, reservation_status: 'pending' },
    ]);

    const page = await scanPage(depsFor(gateway), null);
    expect(asked.sort()).toEqual([reserved.sid, review.sid].sort());
    expect(page.suspects.map((suspect) => [suspect.assignmentStatus, suspect.workerSid, suspect.workerName])).toEqual([
      ['pending', null, null],
      ['reserved', 'WKcy', null],
    ]);
    expect(page.needsReview[0]).toMatchObject({ workerSid: null, workerName: null });
  });
});
