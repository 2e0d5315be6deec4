import type { ValidateFunction } from 'ajv';
import type { Simulator } from '../src/simulator';
import { MESSAGING_CASES, startSimulator } from '../src/simulator';
import { callsPath, tasksPath, twilio } from './simulator-client';
import type { TwilioSchemas } from './twilio-openapi';
import { describeErrors, loadTwilioSchemas } from './twilio-openapi';

type Json = Record<string, unknown>;

describe("simulator responses against Twilio's OpenAPI", () => {
  let sim: Simulator;
  let schemas: TwilioSchemas;

  beforeAll(async () => {
    schemas = loadTwilioSchemas();
    sim = await startSimulator({
      seed: 'openapi',
      scenario: { openTasks: 150, closedTasks: 6, wrappingTasks: 4, messagingShares: MESSAGING_CASES },
    });
  });
  afterAll(() => sim.stop());
  afterEach(() =>
    sim.configure({
      nullAttributesInLists: false,
      concurrencyLimit: null,
      latencyMs: 0,
      errorRate: 0,
      interactionsPerSecond: 20,
    }),
  );

  function expectValid(validate: ValidateFunction, body: unknown): void {
    const valid = validate(body);
    if (!valid)
      throw new Error(`Response does not match the spec: ${describeErrors(validate)}\n${JSON.stringify(body)}`);
  }

  it('tasks list pages match ListTaskResponse, every task with exactly the spec fields', async () => {
    let url: string | null = `${tasksPath(sim)}?PageSize=40`;
    let tasks = 0;
    while (url) {
      const reply: { status: number; body: Json } = await twilio(sim, 'GET', url);
      expect(reply.status).toBe(200);
      expectValid(schemas.taskList, reply.body);
      for (const task of reply.body.tasks as Json[])
        expect(Object.keys(task).sort()).toEqual([...schemas.fields.task].sort());
      tasks += (reply.body.tasks as Json[]).length;
      url = (reply.body.meta as Json).next_page_url as string | null;
    }
    expect(tasks).toBe(160);
  });

  it('tasks list with attributes: null still matches', async () => {
    sim.configure({ nullAttributesInLists: true });
    const reply = await twilio(sim, 'GET', `${tasksPath(sim)}?AssignmentStatus=pending,assigned&PageSize=30`);
    expectValid(schemas.taskList, reply.body);
    expect((reply.body.tasks as Json[]).every((task) => task.attributes === null)).toBe(true);
  });

  it('an empty page matches', async () => {
    const reply = await twilio(sim, 'GET', `${tasksPath(sim)}?TaskQueueName=nobody`);
    expectValid(schemas.taskList, reply.body);
    expect(reply.body.tasks).toEqual([]);
  });

  it('task fetch and task update match the Task resource', async () => {
    const pending = sim.listTasks({ status: ['pending'] })[0];
    const fetched = await twilio(sim, 'GET', tasksPath(sim, `/${pending.sid}`));
    expectValid(schemas.task, fetched.body);
    const updated = await twilio(sim, 'POST', tasksPath(sim, `/${pending.sid}`), {
      form: { AssignmentStatus: 'canceled', Reason: 'Closed by the OpenAPI test' },
      headers: { 'If-Match': fetched.headers.get('etag') as string },
    });
    expect(updated.status).toBe(200);
    expectValid(schemas.task, updated.body);
  });

  it('reservations lists match ListTaskReservationResponse', async () => {
    for (const status of ['reserved', 'assigned', 'wrapping', 'pending'] as const) {
      const task = sim.listTasks({ status: [status] })[0];
      const reply = await twilio(sim, 'GET', tasksPath(sim, `/${task.sid}/Reservations`));
      expectValid(schemas.reservationList, reply.body);
      for (const reservation of reply.body.reservations as Json[]) {
        expect(Object.keys(reservation).sort()).toEqual([...schemas.fields.reservation].sort());
      }
    }
  });

  it('reservations naming the agent of reserved, assigned and wrapping tasks match, conference and outbound tasks too', async () => {
    const holding = { reserved: 'pending', assigned: 'accepted', wrapping: 'wrapping' } as const;
    const kinds = [
      'conference_stuck',
      'conference_worker_live',
      'outbound_stuck',
      'outbound_live',
      'wrapping',
    ] as const;
    for (const task of kinds.flatMap((kind) => sim.listTasks({ kind }))) {
      if (task.assignmentStatus === 'pending') continue;
      const reply = await twilio(sim, 'GET', tasksPath(sim, `/${task.sid}/Reservations`));
      expectValid(schemas.reservationList, reply.body);
      const current = (reply.body.reservations as Json[]).filter(
        (r) => r.reservation_status === holding[task.assignmentStatus as keyof typeof holding],
      );
      expect(current).toHaveLength(1);
      expect(current[0].worker_name).toEqual(expect.stringMatching(/\S/));
      const fetched = await twilio(sim, 'GET', tasksPath(sim, `/${task.sid}`));
      expectValid(schemas.task, fetched.body);
      for (const leg of task.legs) {
        expectValid(schemas.call, (await twilio(sim, 'GET', callsPath(sim, `/${leg.callSid}.json`))).body);
      }
    }
  });

  it('an update writing Attributes with the status matches the Task resource; a refused one the error body', async () => {
    const task = sim.listTasks({ status: ['wrapping'] })[0];
    const refused = await twilio(sim, 'POST', tasksPath(sim, `/${task.sid}`), {
      form: { AssignmentStatus: 'completed', Attributes: '["not", "an object"]' },
    });
    expect(refused.status).toBe(400);
    expectValid(schemas.error, refused.body);
    const updated = await twilio(sim, 'POST', tasksPath(sim, `/${task.sid}`), {
      form: { AssignmentStatus: 'completed', Reason: 'r', Attributes: '{"conversations":{"outcome":"Closed"}}' },
      headers: { 'If-Match': task.etag },
    });
    expect(updated.status).toBe(200);
    expectValid(schemas.task, updated.body);
  });

  it('calls of every status match the Call resource, fetched and listed', async () => {
    const statuses = [
      'queued',
      'ringing',
      'in-progress',
      'completed',
      'failed',
      'busy',
      'no-answer',
      'canceled',
    ] as const;
    for (const status of statuses) {
      const call = sim.listCalls({ status: [status] })[0];
      expect(call).toBeDefined();
      const fetched = await twilio(sim, 'GET', callsPath(sim, `/${call.sid}.json`));
      expectValid(schemas.call, fetched.body);
      expect(Object.keys(fetched.body).sort()).toEqual([...schemas.fields.call].sort());
      const listed = await twilio(sim, 'GET', `${callsPath(sim)}?Status=${status}&PageSize=3`);
      expectValid(schemas.callList, listed.body);
    }
    const all = await twilio(sim, 'GET', `${callsPath(sim)}?PageSize=1000`);
    expectValid(schemas.callList, all.body);
  });

  it('the validators reject what Twilio would never send', async () => {
    const task = (await twilio(sim, 'GET', tasksPath(sim, `/${sim.listTasks()[0].sid}`))).body;
    const call = (await twilio(sim, 'GET', callsPath(sim, `/${sim.listCalls()[0].sid}.json`))).body;
    const broken: [ValidateFunction, Json][] = [
      [schemas.task, { ...task, age: undefined }],
      [schemas.task, { ...task, extra_field: 1 }],
      [schemas.task, { ...task, assignment_status: 'open' }],
      [schemas.task, { ...task, date_created: 'Fri, 18 Oct 2019 17:00:00 +0000' }],
      [schemas.task, { ...task, sid: 'WT123' }],
      [schemas.call, { ...call, start_time: '2019-10-18T17:00:00Z' }],
      [schemas.call, { ...call, status: 'ended' }],
    ];
    for (const [validate, body] of broken) expect(validate(JSON.parse(JSON.stringify(body)))).toBe(false);
  });

  it('conversations and interaction channels of every messaging case match their resources, fetched and closed', async () => {
    // Shapes only: the rate limit has its own test (simulator.messaging.test.ts).
    sim.configure({ interactionsPerSecond: null });
    const messaging = sim.listTasks().filter((task) => task.conversationSid !== null);
    const kinds = new Set(messaging.map((task) => task.kind));
    for (const kind of [
      'messaging_stuck',
      'messaging_deleted',
      'messaging_settling',
      'messaging_paused',
      'messaging_transfer',
      'messaging_no_interaction',
      'messaging_interaction_closed',
      'other_channel',
    ]) {
      expect(kinds).toContain(kind);
    }
    let conversations = 0;
    let channels = 0;
    for (const task of messaging) {
      const conversation = await twilio(sim, 'GET', `/v1/Conversations/${task.conversationSid}`);
      if (task.kind === 'messaging_deleted') {
        expect(conversation.status).toBe(404);
        expectValid(schemas.error, conversation.body);
      } else {
        expect(conversation.status).toBe(200);
        expectValid(schemas.conversation, conversation.body);
        expect(Object.keys(conversation.body).sort()).toEqual([...schemas.fields.conversation].sort());
        conversations += 1;
      }
      if (task.interactionSid === null) continue;
      const channel = await twilio(
        sim,
        'GET',
        `/v1/Interactions/${task.interactionSid}/Channels/${task.interactionChannelSid}`,
      );
      expect(channel.status).toBe(200);
      expectValid(schemas.interactionChannel, channel.body);
      expect(Object.keys(channel.body).sort()).toEqual([...schemas.fields.interactionChannel].sort());
      channels += 1;
    }
    expect(conversations).toBeGreaterThan(0);
    expect(channels).toBeGreaterThan(0);
    const stuck = sim.listTasks({ kind: 'messaging_stuck', status: ['assigned'] })[0];
    const closed = await twilio(
      sim,
      'POST',
      `/v1/Interactions/${stuck.interactionSid}/Channels/${stuck.interactionChannelSid}`,
      {
        form: { Status: 'closed', Routing: JSON.stringify({ status: 'closed' }) },
      },
    );
    expect(closed.status).toBe(200);
    expectValid(schemas.interactionChannel, closed.body);
    expect(closed.body.status).toBe('closed');
    expect(sim.getTask(stuck.sid)?.assignmentStatus).toBe('completed');
    const refused = await twilio(
      sim,
      'POST',
      `/v1/Interactions/${stuck.interactionSid}/Channels/${stuck.interactionChannelSid}`,
      {
        form: { Status: 'paused' },
      },
    );
    expect(refused.status).toBe(400);
    expectValid(schemas.error, refused.body);
  });

  it('every error answer has Twilio’s error body', async () => {
    const sid = sim.listTasks({ status: ['assigned'] })[0].sid;
    const errors = [
      await twilio(sim, 'GET', tasksPath(sim), { auth: null }),
      await twilio(sim, 'GET', `${tasksPath(sim)}?PageSize=5000`),
      await twilio(sim, 'GET', tasksPath(sim, `/WT${'f'.repeat(32)}`)),
      await twilio(sim, 'GET', callsPath(sim, `/CA${'f'.repeat(32)}.json`)),
      await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), { form: { AssignmentStatus: 'canceled' } }),
      await twilio(sim, 'POST', tasksPath(sim, `/${sid}`), {
        form: { AssignmentStatus: 'completed' },
        headers: { 'If-Match': 'stale' },
      }),
      await twilio(sim, 'DELETE', callsPath(sim)),
    ];
    expect(errors.map((reply) => reply.status)).toEqual([401, 400, 404, 404, 400, 412, 405]);
    for (const reply of errors) {
      expectValid(schemas.error, reply.body);
      expect(reply.body.status).toBe(reply.status);
    }
    sim.configure({ latencyMs: 200, concurrencyLimit: 1 });
    const burst = await Promise.all([1, 2, 3].map(() => twilio(sim, 'GET', tasksPath(sim))));
    const throttled = burst.filter((reply) => reply.status === 429);
    expect(throttled.length).toBeGreaterThanOrEqual(1);
    throttled.forEach((reply) => expectValid(schemas.error, reply.body));
    sim.configure({ latencyMs: 0, concurrencyLimit: null, errorRate: 1 });
    const failed = await twilio(sim, 'GET', tasksPath(sim));
    expect(failed.status).toBeGreaterThanOrEqual(500);
    expectValid(schemas.error, failed.body);
  });
});
