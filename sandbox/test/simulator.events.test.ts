/**
 * TaskRouter's Events list in the simulator: an event per task update applied, the seeded history,
 * Twilio's filters and paging, 30 days of retention, and every answer against Twilio's OpenAPI.
 */
import type { ValidateFunction } from 'ajv';
import type { Simulator } from '../src/simulator';
import { EVENT_RETENTION_MS, HISTORY_IDENTITIES, SANDBOX_CLOSE_REASON, startSimulator } from '../src/simulator';
import { control, eventsPath, tasksPath, twilio } from './simulator-client';
import type { TwilioSchemas } from './twilio-openapi';
import { describeErrors, loadTwilioSchemas } from './twilio-openapi';

type Json = Record<string, unknown>;
const DAY_MS = 86_400_000;

let schemas: TwilioSchemas;
beforeAll(() => {
  schemas = loadTwilioSchemas();
});

function expectValid(validate: ValidateFunction, body: unknown): void {
  if (!validate(body)) {
    throw new Error(`Response does not match the spec: ${describeErrors(validate)}\n${JSON.stringify(body)}`);
  }
}

/** Every page from `query`, following next_page_url as a client does; each page validated. */
async function walk(sim: Simulator, query: string): Promise<{ events: Json[]; pages: number }> {
  let url: string | null = eventsPath(sim, query);
  const events: Json[] = [];
  let pages = 0;
  while (url) {
    const reply: { status: number; body: Json } = await twilio(sim, 'GET', url);
    expect(reply.status).toBe(200);
    expectValid(schemas.eventList, reply.body);
    for (const event of reply.body.events as Json[]) {
      expect(Object.keys(event).sort()).toEqual([...schemas.fields.event].sort());
    }
    events.push(...(reply.body.events as Json[]));
    pages += 1;
    url = (reply.body.meta as Json).next_page_url as string | null;
  }
  return { events, pages };
}

const iso = (ms: number) => new Date(ms).toISOString();

describe('simulator Events', () => {
  let sim: Simulator;
  let now = Date.parse('2026-03-01T12:00:00Z');

  beforeAll(async () => {
    sim = await startSimulator({ seed: 'events', scenario: { openTasks: 60 }, clock: () => now });
  });
  afterAll(() => sim.stop());

  it('seeds the history: this service’s closures by several identities, and others’ closures', () => {
    const closures = sim
      .listEvents()
      .filter((e) => e.eventType === 'task.canceled' || e.eventType === 'task.completed');
    const ours = closures.filter((e) => e.reason?.startsWith(SANDBOX_CLOSE_REASON));
    const others = closures.filter((e) => !e.reason?.startsWith(SANDBOX_CLOSE_REASON));
    expect(ours).toHaveLength(24);
    expect(others).toHaveLength(12);
    for (const identity of HISTORY_IDENTITIES) {
      expect(ours.some((e) => e.reason === `${SANDBOX_CLOSE_REASON} Closed by ${identity}.`)).toBe(true);
    }
    for (const event of closures) {
      const age = now - Date.parse(event.eventDate);
      expect(age).toBeGreaterThanOrEqual(3600_000);
      expect(age).toBeLessThanOrEqual(14 * DAY_MS);
    }
  });

  it('records task.canceled and task.completed for API updates, with the reason in event_data', async () => {
    const pending = sim.listTasks({ status: ['pending'] })[0];
    const assigned = sim.listTasks({ status: ['assigned'] })[0];
    await twilio(sim, 'POST', tasksPath(sim, `/${pending.sid}`), {
      form: { AssignmentStatus: 'canceled', Reason: 'Reason one' },
    });
    now += 1000;
    await twilio(sim, 'POST', tasksPath(sim, `/${assigned.sid}`), {
      form: { AssignmentStatus: 'completed', Reason: 'Reason two' },
    });
    const { events } = await walk(sim, `?StartDate=${iso(now - 60_000)}`);
    expect(events.map((e) => [e.event_type, e.resource_sid])).toEqual([
      ['task.completed', assigned.sid],
      ['task.canceled', pending.sid],
    ]);
    const [completed, canceled] = events.map((e) => e.event_data as Json);
    expect(canceled).toMatchObject({
      task_sid: pending.sid,
      task_assignment_status: 'canceled',
      task_canceled_reason: 'Reason one',
      task_queue_name: pending.taskQueueName,
      task_channel_unique_name: pending.channel,
      workspace_sid: sim.workspaceSid,
    });
    expect(completed).toMatchObject({ task_completed_reason: 'Reason two', task_assignment_status: 'completed' });
    expect(completed).not.toHaveProperty('task_canceled_reason');
    expect(events[0]).toMatchObject({ resource_type: 'task', actor_type: 'account', event_date_ms: now });
  });

  it('lists the last 15 minutes without StartDate, Minutes otherwise; EventType, TaskSid and the date bounds filter', async () => {
    const old = sim.addClosureEvent({ status: 'canceled', reason: 'old', closedSecondsAgo: 3600 });
    const recent = sim.addClosureEvent({ status: 'completed', reason: 'recent', closedSecondsAgo: 600 });
    const sidsOf = (events: Json[]) => events.map((e) => e.sid);
    expect(sidsOf((await walk(sim, '')).events)).toContain(recent.sid);
    expect(sidsOf((await walk(sim, '')).events)).not.toContain(old.sid);
    expect(sidsOf((await walk(sim, '?Minutes=61')).events)).toContain(old.sid);
    const window = `?StartDate=${iso(Date.parse(old.eventDate))}&EndDate=${iso(Date.parse(recent.eventDate))}`;
    const inWindow = sidsOf((await walk(sim, window)).events);
    expect(inWindow).toEqual([recent.sid, old.sid]); // both bounds inclusive, newest first
    const typed = (await walk(sim, `${window}&EventType=task.canceled`)).events;
    expect(sidsOf(typed)).toEqual([old.sid]);
    const byTask = (await walk(sim, `?Minutes=120&TaskSid=${recent.taskSid}`)).events;
    expect(sidsOf(byTask)).toEqual([recent.sid]);
  });

  it('pages newest first in Twilio’s format, and a walk is not disturbed by newer events', async () => {
    const start = `?StartDate=${iso(now - 30 * DAY_MS)}&PageSize=7`;
    const first = await twilio<Json>(sim, 'GET', eventsPath(sim, start));
    const meta = first.body.meta as Json;
    expect(meta).toMatchObject({ key: 'events', page: 0, page_size: 7, previous_page_url: null });
    expect(String(meta.next_page_url)).toContain('PageToken=');
    const before = (await walk(sim, start)).events;
    // New events between two pages come before the first page: the walk's later pages are unchanged.
    let url: string | null = meta.next_page_url as string;
    sim.addClosureEvent({ status: 'canceled', reason: 'newer', closedSecondsAgo: 0 });
    const rest: Json[] = [];
    while (url) {
      const reply: { body: Json } = await twilio(sim, 'GET', url);
      rest.push(...(reply.body.events as Json[]));
      url = (reply.body.meta as Json).next_page_url as string | null;
    }
    expect([...(first.body.events as Json[]), ...rest].map((e) => e.sid)).toEqual(before.map((e) => e.sid));
    const dates = before.map((e) => e.event_date_ms as number);
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    expect(new Set(before.map((e) => e.sid)).size).toBe(before.length);
    expect(before.length).toBeGreaterThan(36);
  });

  it('keeps 30 days of events only', async () => {
    const aging = sim.addClosureEvent({ status: 'canceled', reason: 'aging', closedSecondsAgo: 30 * 86_400 - 60 });
    const query = `?StartDate=${iso(now - 31 * DAY_MS)}&PageSize=1000`;
    expect((await walk(sim, query)).events.map((e) => e.sid)).toContain(aging.sid);
    now += 120_000;
    expect((await walk(sim, query)).events.map((e) => e.sid)).not.toContain(aging.sid);
    expect(sim.listEvents().every((e) => now - Date.parse(e.eventDate) <= EVENT_RETENTION_MS)).toBe(true);
    expect(() => sim.addClosureEvent({ status: 'canceled', reason: 'x', closedSecondsAgo: 31 * 86_400 })).toThrow(
      /30 days/,
    );
  });

  it('refuses bad filters and page tokens with Twilio’s error body', async () => {
    const replies = [
      await twilio(sim, 'GET', eventsPath(sim, '?StartDate=yesterday')),
      await twilio(sim, 'GET', eventsPath(sim, `?StartDate=${iso(now)}&EndDate=${iso(now - DAY_MS)}`)),
      await twilio(sim, 'GET', eventsPath(sim, '?PageToken=nonsense')),
      await twilio(sim, 'GET', eventsPath(sim, '?TaskSid=WT1')),
      await twilio(sim, 'GET', eventsPath(sim, `?WorkerSid=WK${'0'.repeat(32)}`)),
      await twilio(sim, 'GET', eventsPath(sim, '?PageSize=1001')),
    ];
    expect(replies.map((reply) => reply.status)).toEqual([400, 400, 400, 400, 400, 400]);
    for (const reply of replies) expectValid(schemas.error, reply.body);
    const otherWorkspace = await twilio(sim, 'GET', `/v1/Workspaces/WS${'0'.repeat(32)}/Events`);
    expect(otherWorkspace.status).toBe(404);
    expect(sim.stats().requests['events.list']).toBeGreaterThan(0);
  });

  it('the control API adds a closure and lists events', async () => {
    const added = await control<Json>(sim, 'POST', '/events/closures', {
      status: 'completed',
      reason: 'By control',
      closedSecondsAgo: 7200,
      taskQueueName: 'Sales',
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ eventType: 'task.completed', reason: 'By control', taskQueueName: 'Sales' });
    const listed = await control<{ events: Json[] }>(sim, 'GET', '/events?type=task.completed');
    expect(listed.body.events.map((e) => e.sid)).toContain(added.body.sid);
    const refused = await control<Json>(sim, 'POST', '/events/closures', { status: 'open', closedSecondsAgo: 1 });
    expect(refused.status).toBe(400);
  });
});
