import type { Simulator } from '../src/simulator';
import { SANDBOX_USERS, startSimulator } from '../src/simulator';
import { callsPath, control, tasksPath, twilio } from './simulator-client';

type TaskJson = { sid: string; assignment_status: string; attributes: string | null; task_queue_friendly_name: string };
type TaskList = { tasks: TaskJson[]; meta: Record<string, unknown> & { next_page_url: string | null } };

const OPEN = 'pending,reserved,assigned';

describe('simulator: tasks list and paging', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'paging', scenario: { openTasks: 230, closedTasks: 6, wrappingTasks: 4 } });
  });
  afterAll(() => sim.stop());

  async function walk(query: string, pageSize: number): Promise<{ sids: string[]; pages: number }> {
    let url: string | null = `${tasksPath(sim)}?${query}&PageSize=${pageSize}`;
    const sids: string[] = [];
    let pages = 0;
    while (url) {
      const reply: { status: number; body: TaskList } = await twilio<TaskList>(sim, 'GET', url);
      expect(reply.status).toBe(200);
      sids.push(...reply.body.tasks.map((task) => task.sid));
      pages += 1;
      url = reply.body.meta.next_page_url;
    }
    return { sids, pages };
  }

  it('walks every open task exactly once over next_page_url, with the statuses asked for', async () => {
    const expected = sim.listTasks({ status: ['pending', 'reserved', 'assigned'] }).map((t) => t.sid);
    expect(expected.length).toBe(230);
    const { sids, pages } = await walk(`AssignmentStatus=${encodeURIComponent(OPEN)}`, 50);
    expect(pages).toBe(5);
    expect(new Set(sids).size).toBe(sids.length);
    expect(sids).toEqual(expected);
  });

  it('accepts AssignmentStatus repeated (as twilio-node sends it) the same as a comma list', async () => {
    const repeated = await walk('AssignmentStatus=pending&AssignmentStatus=reserved', 1000);
    const comma = await walk('AssignmentStatus=pending%2Creserved', 1000);
    expect(repeated.sids).toEqual(comma.sids);
    const statuses = new Set(repeated.sids.map((sid) => sim.getTask(sid)?.assignmentStatus));
    expect([...statuses].sort()).toEqual(['pending', 'reserved']);
  });

  it('lists every status without a filter, wrapping and recently closed included', async () => {
    const { sids } = await walk('', 1000);
    expect(sids.length).toBe(230 + 6 + 4);
  });

  it('describes the page in meta as Twilio does', async () => {
    const first = await twilio<TaskList>(sim, 'GET', `${tasksPath(sim)}?AssignmentStatus=pending&PageSize=7`);
    const meta = first.body.meta;
    expect(meta).toMatchObject({ key: 'tasks', page: 0, page_size: 7, previous_page_url: null });
    expect(meta.first_page_url).toBe(`${sim.url}${tasksPath(sim)}?AssignmentStatus=pending&PageSize=7&Page=0`);
    expect(meta.url).toBe(meta.first_page_url);
    const second = await twilio<TaskList>(sim, 'GET', meta.next_page_url as string);
    expect(second.body.meta.page).toBe(1);
    expect(second.body.meta.next_page_url).toContain('Page=2');
    const back = await twilio<TaskList>(sim, 'GET', second.body.meta.previous_page_url as string);
    expect(back.body.tasks.map((t) => t.sid)).toEqual(first.body.tasks.map((t) => t.sid));
  });

  it('orders by DateCreated descending when asked', async () => {
    const asc = await walk('AssignmentStatus=assigned', 1000);
    const desc = await walk('AssignmentStatus=assigned&Ordering=DateCreated:desc', 13);
    expect(desc.sids).toEqual([...asc.sids].reverse());
  });

  it('filters by task queue name and SID', async () => {
    const queue = sim.summary().taskQueues[1];
    const byName = await walk(`TaskQueueName=${encodeURIComponent(queue.name)}`, 1000);
    const bySid = await walk(`TaskQueueSid=${queue.sid}`, 1000);
    expect(byName.sids.length).toBeGreaterThan(0);
    expect(bySid.sids).toEqual(byName.sids);
    expect(byName.sids.every((sid) => sim.getTask(sid)?.taskQueueName === queue.name)).toBe(true);
  });

  it('keeps paging stable while tasks change status between pages', async () => {
    const first = await twilio<TaskList>(sim, 'GET', `${tasksPath(sim)}?AssignmentStatus=pending&PageSize=10`);
    const seen = first.body.tasks.map((t) => t.sid);
    // A task of the first page gets accepted: it must not shift the following pages.
    sim.acceptTask(seen[0]);
    let url: string | null = first.body.meta.next_page_url;
    while (url) {
      const reply: { body: TaskList } = await twilio<TaskList>(sim, 'GET', url);
      seen.push(...reply.body.tasks.map((t) => t.sid));
      url = reply.body.meta.next_page_url;
    }
    const stillPending = sim.listTasks({ status: ['pending'] }).map((t) => t.sid);
    expect(seen.slice(1)).toEqual(stillPending);
  });

  it('rejects bad list parameters with Twilio errors', async () => {
    for (const query of [
      'PageSize=1001',
      'PageSize=0',
      'AssignmentStatus=open',
      'PageToken=garbage',
      'Ordering=Age:asc',
    ]) {
      const reply = await twilio(sim, 'GET', `${tasksPath(sim)}?${query}`);
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({ code: 20001, status: 400 });
    }
  });
});

describe('simulator: fetch, update, If-Match and transitions', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'updates', scenario: { openTasks: 60 } });
  });
  afterAll(() => sim.stop());

  const firstWith = (status: 'pending' | 'reserved' | 'assigned' | 'wrapping', index = 0): string =>
    sim.listTasks({ status: [status] })[index].sid;

  it('fetches a task with its attributes and an ETag', async () => {
    const sid = firstWith('pending');
    const reply = await twilio<TaskJson>(sim, 'GET', tasksPath(sim, `/${sid}`));
    expect(reply.status).toBe(200);
    expect(reply.body.sid).toBe(sid);
    expect(reply.body.attributes).toBe(sim.getTask(sid)?.attributes);
    expect(reply.headers.get('etag')).toBe(sim.getTask(sid)?.etag);
  });

  it('cancels a pending task with a matching If-Match, then refuses a stale one with 412', async () => {
    const sid = firstWith('pending');
    const fetched = await twilio(sim, 'GET', tasksPath(sim, `/${sid}`));
    const etag = fetched.headers.get('etag') as string;
    const update = await twilio<TaskJson & { reason: string }>(sim, 'POST', tasksPath(sim, `/${sid}`), {
      form: { AssignmentStatus: 'canceled', Reason: 'stuck' },
      headers: { 'If-Match': etag },
    });
    expect(update.status).toBe(200);
    expect(update.body).toMatchObject({ assignment_status: 'canceled', reason: 'stuck' });
    expect(update.headers.get('etag')).not.toBe(etag);
    const stale = await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), {
      form: { AssignmentStatus: 'canceled', Reason: 'again' },
      headers: { 'If-Match': etag },
    });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ code: 20412, status: 412 });
    const log = sim.updateLog().filter((entry) => entry.taskSid === sid);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ from: 'pending', to: 'canceled', ifMatch: etag, reason: 'stuck', source: 'api' });
  });

  it('answers 412 when the task changed between fetch and update', async () => {
    const sid = firstWith('reserved');
    const fetched = await twilio(sim, 'GET', tasksPath(sim, `/${sid}`));
    sim.acceptTask(sid);
    const update = await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), {
      form: { AssignmentStatus: 'canceled' },
      headers: { 'If-Match': fetched.headers.get('etag') as string },
    });
    expect(update.status).toBe(412);
    expect(sim.getTask(sid)?.assignmentStatus).toBe('assigned');
  });

  it.each([
    ['assigned', 'canceled'],
    ['pending', 'completed'],
    ['reserved', 'completed'],
    ['wrapping', 'canceled'],
  ] as const)('refuses %s → %s with 400 code 20001 and changes nothing', async (from, to) => {
    const sid = firstWith(from);
    const before = sim.getTask(sid);
    const reply = await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), { form: { AssignmentStatus: to } });
    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ code: 20001, status: 400 });
    expect(sim.getTask(sid)?.etag).toBe(before?.etag);
    expect(sim.getTask(sid)?.assignmentStatus).toBe(from);
  });

  it('completes assigned and wrapping tasks, and cancels reserved ones', async () => {
    for (const [from, to] of [
      ['assigned', 'completed'],
      ['wrapping', 'completed'],
      ['reserved', 'canceled'],
    ] as const) {
      const sid = firstWith(from);
      const reply = await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), {
        form: { AssignmentStatus: to, Reason: 'r' },
      });
      expect(reply.status).toBe(200);
      expect(sim.getTask(sid)?.assignmentStatus).toBe(to);
    }
  });

  it('records the call status at update time in the log', async () => {
    const stuck = sim.listTasks({ verdict: 'stuck', status: ['assigned'] })[0];
    await twilio(sim, 'POST', tasksPath(sim, `/${stuck.sid}`), {
      form: { AssignmentStatus: 'completed', Reason: 'x' },
    });
    const entry = sim.updateLog().find((e) => e.taskSid === stuck.sid);
    expect(entry).toMatchObject({ callSid: stuck.callSid, callStatus: stuck.callStatus, ifMatch: null });
  });

  it('answers 404 code 20404 for an unknown task or workspace', async () => {
    const unknownTask = await twilio(sim, 'GET', tasksPath(sim, `/WT${'0'.repeat(32)}`));
    expect(unknownTask.status).toBe(404);
    expect(unknownTask.body).toMatchObject({ code: 20404, status: 404 });
    const unknownWorkspace = await twilio(sim, 'GET', `/v1/Workspaces/WS${'0'.repeat(32)}/Tasks`);
    expect(unknownWorkspace.status).toBe(404);
    expect(unknownWorkspace.body).toMatchObject({ code: 20404 });
  });

  it('lists reservations with worker names for reserved and assigned tasks', async () => {
    const assigned = sim.listTasks({ status: ['assigned'] })[0];
    const reply = await twilio<{ reservations: { worker_name: string; reservation_status: string }[] }>(
      sim,
      'GET',
      tasksPath(sim, `/${assigned.sid}/Reservations`),
    );
    expect(reply.status).toBe(200);
    const accepted = reply.body.reservations.filter((r) => r.reservation_status === 'accepted');
    expect(accepted).toHaveLength(1);
    expect(accepted[0].worker_name).toBeTruthy();
  });
});

describe('simulator: calls', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'calls', scenario: { openTasks: 120 } });
  });
  afterAll(() => sim.stop());

  it('fetches a call with RFC 2822 dates, and 404s an unknown one', async () => {
    const ended = sim.listCalls({ status: ['completed'] })[0];
    const reply = await twilio<Record<string, string>>(sim, 'GET', callsPath(sim, `/${ended.sid}.json`));
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('completed');
    expect(reply.body.end_time).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    const unknown = sim.listTasks({ verdict: 'needs_review' }).find((t) => t.problem === 'call_not_found');
    const missing = await twilio(sim, 'GET', callsPath(sim, `/${unknown?.callSid}.json`));
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 20404, status: 404 });
  });

  it('lists calls by status, newest first, over next_page_uri', async () => {
    const expected = sim
      .listCalls({ status: ['in-progress'] })
      .map((c) => c.sid)
      .reverse();
    let uri: string | null = `${callsPath(sim)}?Status=in-progress&PageSize=4`;
    const seen: string[] = [];
    while (uri) {
      const reply: { body: { calls: { sid: string; status: string }[]; next_page_uri: string | null } } = await twilio(
        sim,
        'GET',
        uri,
      );
      expect(reply.body.calls.every((c) => c.status === 'in-progress')).toBe(true);
      seen.push(...reply.body.calls.map((c) => c.sid));
      uri = reply.body.next_page_uri;
    }
    expect(seen).toEqual(expected);
  });

  it('covers every ended status, canceled included, and live calls in every live status', () => {
    const statuses = new Set(sim.listCalls().map((c) => c.status));
    for (const status of ['completed', 'failed', 'busy', 'no-answer', 'canceled', 'queued', 'ringing', 'in-progress']) {
      expect(statuses).toContain(status);
    }
  });

  it('ends and revives calls, and the task verdict follows', async () => {
    const live = sim.listTasks({ verdict: 'active' }).find((t) => t.callStatus === 'in-progress');
    expect(live).toBeDefined();
    const callSid = live?.callSid as string;
    sim.endCall(callSid, 'canceled', Date.now() - 120_000);
    expect(sim.getTask(live?.sid as string)?.verdict).toBe('stuck');
    const fetched = await twilio<{ status: string; end_time: string | null }>(
      sim,
      'GET',
      callsPath(sim, `/${callSid}.json`),
    );
    expect(fetched.body.status).toBe('canceled');
    sim.reviveCall(callSid);
    expect(sim.getTask(live?.sid as string)?.verdict).toBe('active');
    const revived = await twilio<{ status: string; end_time: string | null }>(
      sim,
      'GET',
      callsPath(sim, `/${callSid}.json`),
    );
    expect(revived.body).toMatchObject({ status: 'in-progress', end_time: null });
  });

  it('logs every call fetch it answered, numbered on the update log counter, and serves the log on /_sim', async () => {
    const task = sim.listTasks({ status: ['pending'], verdict: 'active' }).find((t) => t.callStatus === 'ringing');
    expect(task).toBeDefined();
    const { sid: taskSid, callSid } = task as { sid: string; callSid: string };
    const fetchCall = (sid: string) => twilio<{ end_time: string | null }>(sim, 'GET', callsPath(sim, `/${sid}.json`));
    const since = Math.max(0, ...sim.updateLog().map((u) => u.seq), ...sim.callFetchLog().map((f) => f.seq));

    await fetchCall(callSid);
    const endedAt = Date.now() - 90_500;
    sim.endCall(callSid, 'busy', endedAt);
    const ended = await fetchCall(callSid);
    sim.reviveCall(callSid);
    const update = await twilio(sim, 'POST', tasksPath(sim, `/${taskSid}`), { form: { AssignmentStatus: 'canceled' } });
    expect(update.status).toBe(200);
    await fetchCall('CA00000000000000000000000000000000');
    sim.configure({ errorRate: 1 });
    expect((await fetchCall(callSid)).status).toBeGreaterThanOrEqual(500);
    sim.configure({ errorRate: 0 });

    const fetches = sim.callFetchLog(since);
    const [updated] = sim.updateLog(since);
    // Ringing, then busy (the end time as answered, whole seconds), then the update saw the revived call.
    expect(fetches.map((f) => [f.callSid, f.status])).toEqual([
      [callSid, 'ringing'],
      [callSid, 'busy'],
      ['CA00000000000000000000000000000000', null],
    ]);
    expect(fetches[0].endTime).toBeNull();
    expect(fetches[1].endTime).toBe(new Date(Math.floor(endedAt / 1000) * 1000).toISOString());
    expect(Date.parse(fetches[1].endTime as string)).toBe(Date.parse(ended.body.end_time as string));
    expect(updated).toMatchObject({ taskSid, callStatus: 'in-progress' });
    expect(fetches.map((f) => f.seq)).toEqual([since + 1, since + 2, since + 4]);
    expect(updated.seq).toBe(since + 3);
    expect(Date.parse(fetches[0].time)).toBeLessThanOrEqual(Date.parse(fetches[1].time));

    const overHttp = await control<{ fetches: unknown[] }>(sim, 'GET', `/call-fetches?since=${since + 1}`);
    expect(overHttp.body.fetches).toEqual(fetches.slice(1));
    sim.reset();
    expect(sim.callFetchLog()).toEqual([]);
  });
});

describe('simulator: auth, faults, TTL', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'faults', scenario: { openTasks: 40 } });
  });
  afterAll(() => sim.stop());
  afterEach(() => {
    sim.configure({
      latencyMs: 0,
      concurrencyLimit: null,
      errorRate: 0,
      throttleRate: 0,
      slowRate: 0,
      lostUpdateRate: 0,
      nullAttributesInLists: false,
    });
    sim.resetStats();
  });

  it('answers 401 code 20003 to missing or wrong credentials, and accepts the API key', async () => {
    for (const auth of [null, [sim.accountSid, 'wrong'], ['ACnope', sim.authToken]] as const) {
      const reply = await twilio(sim, 'GET', tasksPath(sim), { auth: auth as [string, string] | null });
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({
        code: 20003,
        status: 401,
        more_info: 'https://www.twilio.com/docs/errors/20003',
      });
    }
    const withKey = await twilio(sim, 'GET', tasksPath(sim), { auth: [sim.apiKeySid, sim.apiKeySecret] });
    expect(withKey.status).toBe(200);
  });

  it('answers 429 code 20429 above the concurrency limit and counts the peak', async () => {
    // The latency keeps the first five in flight while the other fifteen arrive; 3 s leaves a busy
    // machine ample time to send all twenty before the first five are answered.
    sim.configure({ latencyMs: 3000, concurrencyLimit: 5 });
    const replies = await Promise.all(Array.from({ length: 20 }, () => twilio(sim, 'GET', tasksPath(sim))));
    const ok = replies.filter((r) => r.status === 200);
    const throttled = replies.filter((r) => r.status === 429);
    expect(ok.length + throttled.length).toBe(20);
    expect(throttled.length).toBeGreaterThanOrEqual(10);
    expect(throttled[0].body).toMatchObject({ code: 20429, status: 429 });
    const stats = sim.stats();
    expect(stats.peakConcurrency).toBe(5);
    expect(stats.throttled).toBe(throttled.length);
    expect(stats.requests['tasks.list']).toBe(20);
  });

  it('injects random 5xx at the configured rate, reproducibly from the seed', async () => {
    sim.configure({ errorRate: 0.3 });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i += 1) statuses.push((await twilio(sim, 'GET', tasksPath(sim, '?PageSize=1'))).status);
    const errors = statuses.filter((s) => s >= 500).length;
    expect(errors).toBeGreaterThan(30);
    expect(errors).toBeLessThan(90);
    expect(sim.stats().serverErrors).toBe(errors);
  });

  it('throttles a share of requests at random (429 storms) and slows some down', async () => {
    sim.configure({ throttleRate: 0.5, slowRate: 0.2, slowMs: 40 });
    const started = Date.now();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i += 1) statuses.push((await twilio(sim, 'GET', tasksPath(sim, '?PageSize=1'))).status);
    const throttled = statuses.filter((s) => s === 429).length;
    expect(throttled).toBeGreaterThan(10);
    expect(throttled).toBeLessThan(50);
    expect(sim.stats().throttled).toBe(throttled);
    // About 12 of 60 requests took 40 ms longer.
    expect(Date.now() - started).toBeGreaterThan(200);
  });

  it('loses the answer to some updates after applying them', async () => {
    sim.configure({ lostUpdateRate: 1 });
    const sid = sim.listTasks({ status: ['reserved'] })[0].sid;
    const reply = await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), { form: { AssignmentStatus: 'canceled' } });
    expect(reply.status).toBe(500);
    expect(sim.getTask(sid)?.assignmentStatus).toBe('canceled');
    expect(sim.stats().updates).toMatchObject({ applied: 1, lostResponses: 1 });
  });

  it('shows attributes: null in lists when configured, but not on fetch', async () => {
    sim.configure({ nullAttributesInLists: true });
    const list = await twilio<TaskList>(sim, 'GET', tasksPath(sim, '?PageSize=20'));
    expect(list.body.tasks.every((t) => t.attributes === null)).toBe(true);
    const fetched = await twilio<TaskJson>(sim, 'GET', tasksPath(sim, `/${list.body.tasks[0].sid}`));
    expect(typeof fetched.body.attributes).toBe('string');
    sim.configure({ nullAttributesInLists: 0.5 });
    const half = await twilio<TaskList>(sim, 'GET', tasksPath(sim, '?PageSize=40'));
    const nulls = half.body.tasks.filter((t) => t.attributes === null).length;
    expect(nulls).toBeGreaterThan(5);
    expect(nulls).toBeLessThan(35);
  });

  it('forgets closed tasks after the TTL: 404 on fetch, gone from lists', async () => {
    let now = Date.now();
    const timed = await startSimulator({ seed: 'ttl', scenario: { openTasks: 10, closedTasks: 0 }, clock: () => now });
    try {
      timed.configure({ closedTaskTtlMs: 60_000 });
      const sid = timed.listTasks({ status: ['pending'] })[0].sid;
      await twilio(timed, 'POST', tasksPath(timed, `/${sid}`), { form: { AssignmentStatus: 'canceled', Reason: 'r' } });
      now += 59_000;
      expect((await twilio(timed, 'GET', tasksPath(timed, `/${sid}`))).status).toBe(200);
      now += 1_000;
      const gone = await twilio(timed, 'GET', tasksPath(timed, `/${sid}`));
      expect(gone.status).toBe(404);
      expect(gone.body).toMatchObject({ code: 20404 });
      const canceled = await twilio<TaskList>(
        timed,
        'GET',
        tasksPath(timed, '?AssignmentStatus=canceled&PageSize=1000'),
      );
      expect(canceled.body.tasks).toHaveLength(0);
      expect(timed.getTask(sid)).toBeNull();
    } finally {
      await timed.stop();
    }
  });
});

describe('simulator: token validation', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ scenario: { openTasks: 0 } });
  });
  afterAll(() => sim.stop());
  const validate = (
    token: string,
    auth?: [string, string] | null,
  ): Promise<{ status: number; body: Record<string, unknown> }> =>
    twilio(sim, 'POST', `/v1/Accounts/${sim.accountSid}/Tokens/validate`, { json: { token }, auth });

  it('validates an issued token with identity, roles and worker', async () => {
    const token = sim.issueToken({ identity: 'kim', roles: ['admin', 'supervisor'], workerSid: `WK${'1'.repeat(32)}` });
    const reply = await validate(token);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      valid: true,
      code: 0,
      message: null,
      identity: 'kim',
      realm_user_id: 'kim',
      roles: ['admin', 'supervisor'],
      worker_sid: `WK${'1'.repeat(32)}`,
    });
    expect(Date.parse(reply.body.expiration as string)).toBeGreaterThan(Date.now());
  });

  it('answers valid: false with a message for expired, forged and garbage tokens', async () => {
    const expired = sim.issueToken({ identity: 'kim', roles: ['admin'], ttlSeconds: -1 });
    const forged = sim.issueToken({ identity: 'kim', roles: ['agent'] }).replace(/\.[^.]+$/, '.AAAA');
    for (const token of [expired, forged, 'garbage', '']) {
      const reply = await validate(token);
      expect(reply.status).toBe(200);
      expect(reply.body.valid).toBe(false);
      expect(typeof reply.body.message).toBe('string');
    }
    expect((await validate(expired)).body.code).toBe(20104);
  });

  it('needs account credentials', async () => {
    const reply = await validate(sim.issueSandboxToken('admin'), null);
    expect(reply.status).toBe(401);
  });

  it('issues tokens for the sandbox users over the control API', async () => {
    const issued = await control<{ token: string }>(sim, 'POST', '/users/agent/token', {});
    const reply = await validate(issued.body.token);
    expect(reply.body).toMatchObject({ valid: true, roles: ['agent'], worker_sid: SANDBOX_USERS.agent.workerSid });
  });
});
