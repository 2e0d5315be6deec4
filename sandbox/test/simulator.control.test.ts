import type { CallView, Simulator, StateSummary, TaskView, UpdateLogEntry } from '../src/simulator';
import { SANDBOX_USERS, startSimulator } from '../src/simulator';
import { control, tasksPath, twilio } from './simulator-client';

describe('simulator: seeded scenarios', () => {
  it('builds the same workspace from the same seed, and another from another seed', async () => {
    const scenario = { openTasks: 80 };
    const [a, b, c] = await Promise.all([
      startSimulator({ seed: 7, scenario }),
      startSimulator({ seed: 7, scenario }),
      startSimulator({ seed: 8, scenario }),
    ]);
    try {
      const shape = (sim: Simulator): string[] =>
        sim.listTasks().map((t) => `${t.sid}:${t.assignmentStatus}:${t.callSid}`);
      expect(shape(a)).toEqual(shape(b));
      expect(shape(a)).not.toEqual(shape(c));
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });

  it('seeds the asked counts and covers every stuck status × ended call status pair', async () => {
    const sim = await startSimulator({
      seed: 'counts',
      scenario: {
        openTasks: 200,
        stuckShare: 0.2,
        recentlyEndedShare: 0.05,
        missingCallSidShare: 0.03,
        unknownCallShare: 0.02,
        badAttributesShare: 0.01,
        wrappingTasks: 3,
        closedTasks: 4,
        taskQueues: ['A', 'B', 'Voice VIP'],
      },
    });
    try {
      const open = sim.listTasks({ status: ['pending', 'reserved', 'assigned'] });
      expect(open).toHaveLength(200);
      const count = (kind: TaskView['kind']): number => sim.listTasks({ kind }).length;
      expect([count('stuck'), count('recently_ended'), count('no_call_sid'), count('call_not_found')]).toEqual([
        40, 10, 6, 4,
      ]);
      expect([count('bad_attributes'), count('wrapping'), count('closed')]).toEqual([2, 3, 4]);
      const stuck = sim.listTasks({ kind: 'stuck' });
      expect(stuck.every((t) => t.verdict === 'stuck')).toBe(true);
      const pairs = new Set(stuck.map((t) => `${t.assignmentStatus}/${t.callStatus}`));
      expect(pairs.size).toBe(15);
      expect(sim.listTasks({ kind: 'recently_ended' }).every((t) => t.verdict === 'active')).toBe(true);
      const channels = new Set(open.map((t) => t.channel));
      expect([...channels].sort()).toEqual(['chat', 'sms', 'voice']);
      expect(new Set(open.map((t) => t.taskQueueName))).toEqual(new Set(['A', 'B', 'Voice VIP']));
      const reserved = sim.listTasks({ status: ['reserved', 'assigned'] });
      expect(
        reserved.every((t) => t.reservations.some((r) => r.workerName && /^WK[0-9a-f]{32}$/.test(r.workerSid))),
      ).toBe(true);
      for (const task of open) expect(task.sid).toMatch(/^WT[0-9a-f]{32}$/);
      expect(() => JSON.parse(sim.listTasks({ kind: 'bad_attributes' })[0].attributes)).toThrow();
    } finally {
      await sim.stop();
    }
  });

  it('refuses impossible scenarios with a clear error', async () => {
    await expect(
      startSimulator({ scenario: { openTasks: 10, stuckShare: 0.9, missingCallSidShare: 0.5 } }),
    ).rejects.toThrow(/more than the 10 open tasks/);
    await expect(startSimulator({ scenario: { stuckShare: 2 } })).rejects.toThrow(/stuckShare must be between 0 and 1/);
    await expect(startSimulator({ concurrencyLimit: 0 })).rejects.toThrow(/concurrencyLimit/);
  });
});

describe('simulator: /_sim control API', () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'control', scenario: { openTasks: 50 } });
  });
  afterAll(() => sim.stop());

  it('reads the state summary and lists tasks by verdict', async () => {
    const state = await control<StateSummary>(sim, 'GET', '/state');
    expect(state.status).toBe(200);
    expect(state.body).toMatchObject({
      accountSid: sim.accountSid,
      workspaceSid: sim.workspaceSid,
      tasks: sim.summary().tasks,
    });
    const stuck = await control<{ tasks: TaskView[] }>(sim, 'GET', '/tasks?verdict=stuck&status=pending,reserved');
    expect(stuck.body.tasks.length).toBeGreaterThan(0);
    // Voice tasks are canceled; messaging tasks (none in this scenario) would close their interaction channel.
    expect(
      stuck.body.tasks.every(
        (t) => t.verdict === 'stuck' && t.action === (t.conversationSid === null ? 'cancel' : 'close_interaction'),
      ),
    ).toBe(true);
  });

  it('ends and revives a call, accepts, wraps, closes and deletes tasks', async () => {
    const live = sim.listTasks({ verdict: 'active', kind: 'live', status: ['pending'] })[0];
    const ended = await control<CallView>(sim, 'POST', `/calls/${live.callSid}/end`, {
      status: 'no-answer',
      endedSecondsAgo: 600,
    });
    expect(ended.body).toMatchObject({ status: 'no-answer' });
    expect((await control<TaskView>(sim, 'GET', `/tasks/${live.sid}`)).body.verdict).toBe('stuck');
    await control(sim, 'POST', `/calls/${live.callSid}/revive`, {});
    expect(sim.getTask(live.sid)?.verdict).toBe('active');

    const accepted = await control<TaskView>(sim, 'POST', `/tasks/${live.sid}/accept`, {
      workerSid: SANDBOX_USERS.agent.workerSid,
    });
    expect(accepted.body.assignmentStatus).toBe('assigned');
    expect(accepted.body.reservations.at(-1)).toMatchObject({ workerName: 'Alex Agent', status: 'accepted' });
    expect((await control<TaskView>(sim, 'POST', `/tasks/${live.sid}/wrap`)).body.assignmentStatus).toBe('wrapping');
    const closed = await control<TaskView>(sim, 'POST', `/tasks/${live.sid}/close`, { reason: 'agent hung up' });
    expect(closed.body).toMatchObject({ assignmentStatus: 'completed', reason: 'agent hung up', verdict: 'closed' });
    const again = await control(sim, 'POST', `/tasks/${live.sid}/close`);
    expect(again.status).toBe(409);

    const victim = sim.listTasks({ status: ['assigned'] })[0].sid;
    expect((await control(sim, 'DELETE', `/tasks/${victim}`)).body).toEqual({ deleted: true });
    expect((await twilio(sim, 'GET', tasksPath(sim, `/${victim}`))).status).toBe(404);
    expect((await control(sim, 'GET', `/tasks/${victim}`)).status).toBe(404);

    const updates = await control<{ updates: UpdateLogEntry[] }>(sim, 'GET', '/updates');
    expect(updates.body.updates.map((u) => `${u.from}>${u.to}:${u.source}`)).toEqual([
      'pending>assigned:control',
      'assigned>wrapping:control',
      'wrapping>completed:control',
    ]);
    const later = await control<{ updates: UpdateLogEntry[] }>(sim, 'GET', '/updates?since=2');
    expect(later.body.updates).toHaveLength(1);
  });

  it('adds tasks and calls for hand-made cases', async () => {
    const call = await control<CallView>(sim, 'POST', '/calls', { status: 'busy', endedSecondsAgo: 5 });
    const task = await control<TaskView>(sim, 'POST', '/tasks', {
      assignmentStatus: 'reserved',
      callSid: call.body.sid,
    });
    expect(task.body).toMatchObject({ callSid: call.body.sid, callStatus: 'busy', verdict: 'active', kind: 'custom' });
    const listed = await twilio<{ tasks: { sid: string }[] }>(
      sim,
      'GET',
      `${tasksPath(sim)}?AssignmentStatus=reserved&PageSize=1000`,
    );
    expect(listed.body.tasks.at(-1)?.sid).toBe(task.body.sid);
  });

  it('configures knobs, counts requests by kind, and resets', async () => {
    const config = await control(sim, 'POST', '/configure', { latencyMs: 5, errorRate: 0 });
    expect(config.body).toMatchObject({ latencyMs: 5 });
    expect((await control(sim, 'POST', '/configure', { errorRate: 3 })).status).toBe(400);
    await control(sim, 'POST', '/stats/reset');
    await twilio(sim, 'GET', tasksPath(sim));
    await twilio(sim, 'GET', `/2010-04-01/Accounts/${sim.accountSid}/Calls.json`);
    const stats = await control<{ requests: Record<string, number>; totalRequests: number }>(sim, 'GET', '/stats');
    expect(stats.body.requests).toMatchObject({ 'tasks.list': 1, 'calls.list': 1, 'tasks.update': 0 });
    expect(stats.body.totalRequests).toBe(2);

    const before = sim.listTasks().map((t) => t.sid);
    const reset = await control(sim, 'POST', '/reset', {
      seed: 'other',
      scenario: { openTasks: 12, closedTasks: 0, wrappingTasks: 0 },
    });
    expect(reset.status).toBe(200);
    expect(sim.listTasks()).toHaveLength(12);
    expect(sim.listTasks()[0].sid).not.toBe(before[0]);
    expect(sim.updateLog()).toEqual([]);
    expect((await control(sim, 'POST', '/reset', { scenario: { openTasks: -1 } })).status).toBe(400);
  });

  it('issues tokens and lists the sandbox users', async () => {
    const users = await control<{ users: { name: string; roles: string[] }[] }>(sim, 'GET', '/users');
    expect(users.body.users.map((u) => u.name)).toEqual(['admin', 'supervisor', 'agent']);
    const token = await control<{ token: string }>(sim, 'POST', '/tokens', {
      identity: 'zoe',
      roles: ['admin'],
      ttlSeconds: 60,
    });
    expect(sim.validateToken(token.body.token)).toMatchObject({ valid: true, identity: 'zoe' });
    expect((await control(sim, 'POST', '/tokens', { identity: 'zoe' })).status).toBe(400);
    expect((await control(sim, 'POST', '/users/root/token')).status).toBe(404);
  });

  it('answers unknown control routes and bad JSON with JSON errors', async () => {
    expect((await control(sim, 'GET', '/nope')).status).toBe(404);
    const bad = await fetch(`${sim.url}/_sim/configure`, {
      method: 'POST',
      headers: { ...sim.controlHeaders },
      body: '{not json',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { status: 400 } });
  });
});

describe('simulator: /_sim control API refuses other origins and requests without its per-run secret', () => {
  const EVIL = 'http://evil.example';
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 'control-secret', scenario: { openTasks: 20 } });
  });
  afterAll(() => sim.stop());

  const corsHeadersOf = (response: Response): string[] =>
    [...response.headers.keys()].filter((name) => name.startsWith('access-control-'));

  it('has a different secret on every start, and a fixed one when asked', async () => {
    const other = await startSimulator({ scenario: { openTasks: 1 } });
    const fixed = await startSimulator({ scenario: { openTasks: 1 }, controlSecret: 'a-fixed-secret-for-tests' });
    try {
      expect(sim.controlSecret.length).toBeGreaterThanOrEqual(32);
      expect(other.controlSecret).not.toBe(sim.controlSecret);
      expect(fixed.controlHeaders).toEqual({ 'X-Sim-Control-Secret': 'a-fixed-secret-for-tests' });
    } finally {
      await Promise.all([other.stop(), fixed.stop()]);
    }
    await expect(startSimulator({ controlSecret: 'short' })).rejects.toThrow(/at least 16/);
  });

  it("refuses a page's preflight from another origin, with no CORS header, so its request is never sent", async () => {
    const preflight = await fetch(`${sim.url}/_sim/users/admin/token`, {
      method: 'OPTIONS',
      headers: {
        Origin: EVIL,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type, x-sim-control-secret',
      },
    });
    expect(preflight.status).toBe(403);
    expect(corsHeadersOf(preflight)).toEqual([]);
  });

  it('refuses the requests a page can send without a preflight (a token minted, a task closed), changing nothing', async () => {
    const task = sim.listTasks({ verdict: 'stuck' })[0];
    const before = sim.getTask(task.sid);
    const attempts = [
      fetch(`${sim.url}/_sim/users/admin/token`, {
        method: 'POST',
        headers: { Origin: EVIL, 'Content-Type': 'text/plain', 'Sec-Fetch-Site': 'cross-site' },
        body: '{}',
      }),
      fetch(`${sim.url}/_sim/tasks/${task.sid}/close`, {
        method: 'POST',
        headers: { Origin: EVIL, 'Content-Type': 'text/plain' },
        body: '{"reason":"closed from another origin"}',
      }),
      fetch(`${sim.url}/_sim/tokens`, {
        method: 'POST',
        headers: { Origin: 'null', 'Content-Type': 'text/plain' },
        body: '{"identity":"eve","roles":["admin"]}',
      }),
      fetch(`${sim.url}/_sim/state`, { headers: { Origin: EVIL } }),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(response.status).toBe(403);
      expect(corsHeadersOf(response)).toEqual([]);
      const text = await response.text();
      expect(text).toMatch(/X-Sim-Control-Secret/);
      expect(text).not.toMatch(/eyJ/);
    }
    expect(sim.getTask(task.sid)).toEqual(before);
    expect(sim.updateLog()).toEqual([]);
  });

  it('refuses requests without the secret or with a wrong one, even from loopback', async () => {
    const wrong = `${sim.controlSecret.slice(0, -1)}${sim.controlSecret.endsWith('A') ? 'B' : 'A'}`;
    const attempts: Record<string, string>[] = [{}, { 'X-Sim-Control-Secret': wrong }, { 'X-Sim-Control-Secret': '' }];
    for (const headers of attempts) {
      const token = await fetch(`${sim.url}/_sim/users/admin/token`, { method: 'POST', headers });
      expect(token.status).toBe(403);
      expect((await fetch(`${sim.url}/_sim/state`, { headers })).status).toBe(403);
    }
  });

  it('answers a request carrying the secret, with no CORS header', async () => {
    const token = await fetch(`${sim.url}/_sim/users/admin/token`, {
      method: 'POST',
      headers: { ...sim.controlHeaders },
    });
    expect(token.status).toBe(200);
    expect(corsHeadersOf(token)).toEqual([]);
    const { token: jwt } = (await token.json()) as { token: string };
    expect(sim.validateToken(jwt)).toMatchObject({ valid: true, roles: ['admin'] });
  });

  it('lets a browser open a read-only link typed by the user or from the simulator itself, but not change anything that way', async () => {
    const typed = await fetch(`${sim.url}/_sim/state`, { headers: { 'Sec-Fetch-Site': 'none' } });
    expect(typed.status).toBe(200);
    expect(corsHeadersOf(typed)).toEqual([]);
    expect((await fetch(`${sim.url}/_sim/state`, { headers: { Origin: sim.url } })).status).toBe(200);
    const typedPost = await fetch(`${sim.url}/_sim/users/admin/token`, {
      method: 'POST',
      headers: { 'Sec-Fetch-Site': 'none' },
    });
    expect(typedPost.status).toBe(403);
  });
});
