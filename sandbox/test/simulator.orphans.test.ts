/**
 * What the reverse orphans need of the simulator: the Conversations list (State filter, paging) and
 * TaskRouter's EvaluateTaskAttributes on the task list, their answers checked against Twilio's
 * OpenAPI; and the orphans it seeds.
 */
import type { ValidateFunction } from 'ajv';
import type { Simulator } from '../src/simulator';
import { ORPHAN_LADDER, startSimulator } from '../src/simulator';
import { tasksPath, twilio } from './simulator-client';
import type { TwilioSchemas } from './twilio-openapi';
import { describeErrors, loadTwilioSchemas } from './twilio-openapi';

type Json = Record<string, unknown>;
const ORPHANS = 7;

let sim: Simulator;
let schemas: TwilioSchemas;

beforeAll(async () => {
  schemas = loadTwilioSchemas();
  sim = await startSimulator({ seed: 'orphans', scenario: { openTasks: 40, orphanConversations: ORPHANS } });
});
afterAll(() => sim.stop());

function expectValid(validate: ValidateFunction, body: unknown): void {
  if (!validate(body))
    throw new Error(`Response does not match the spec: ${describeErrors(validate)}\n${JSON.stringify(body)}`);
}

/** Every page of the list, following next_page_url as a client does. */
async function listAll(query: string): Promise<{ pages: number; conversations: Json[] }> {
  let url: string | null = `/v1/Conversations${query}`;
  const conversations: Json[] = [];
  let pages = 0;
  while (url) {
    const reply: { status: number; body: Json } = await twilio(sim, 'GET', url);
    expect(reply.status).toBe(200);
    expectValid(schemas.conversationList, reply.body);
    conversations.push(...(reply.body.conversations as Json[]));
    pages += 1;
    url = (reply.body.meta as Json).next_page_url as string | null;
  }
  return { pages, conversations };
}

describe('the Conversations list', () => {
  it('filters by State and pages with next_page_url, every conversation once, oldest first, matching ListConversationResponse', async () => {
    const active = await listAll('?State=active&PageSize=2');
    expect(active.pages).toBeGreaterThan(1);
    expect(active.conversations.every((conversation) => conversation.state === 'active')).toBe(true);
    const sids = active.conversations.map((conversation) => conversation.sid);
    expect(new Set(sids).size).toBe(sids.length);
    const created = active.conversations.map((conversation) => Date.parse(conversation.date_created as string));
    expect([...created].sort((a, b) => a - b)).toEqual(created);
    for (const conversation of active.conversations) {
      expect(Object.keys(conversation).sort()).toEqual([...schemas.fields.conversation].sort());
    }
    const [all, inactive, closed] = await Promise.all([
      listAll(''),
      listAll('?State=inactive'),
      listAll('?State=closed'),
    ]);
    const byState = [active, inactive, closed].flatMap((list) =>
      list.conversations.map((conversation) => conversation.sid),
    );
    const allSids = new Set(all.conversations.map((conversation) => conversation.sid));
    expect(new Set(byState).size).toBe(byState.length);
    expect(byState.every((sid) => allSids.has(sid))).toBe(true);
    // The rest of the unfiltered list is what no State filter names: conversations initializing.
    const initializing = all.conversations.filter((conversation) => !byState.includes(conversation.sid));
    expect(initializing.every((conversation) => conversation.state === 'initializing')).toBe(true);
  });

  it('seeds the reverse orphans asked for: going, idle beyond the grace period, named by no task', async () => {
    const named = new Set(sim.listTasks().map((task) => task.conversationSid));
    const going = [
      ...(await listAll('?State=active')).conversations,
      ...(await listAll('?State=inactive')).conversations,
    ];
    const orphans = going.filter((conversation) => !named.has(conversation.sid as string));
    expect(orphans).toHaveLength(ORPHANS);
    expect(orphans.filter((conversation) => conversation.state === 'inactive').length).toBe(
      [...Array(ORPHANS).keys()].filter((i) => ORPHAN_LADDER[i % ORPHAN_LADDER.length].state === 'inactive').length,
    );
    for (const orphan of orphans) {
      expect(Date.now() - Date.parse(orphan.date_updated as string)).toBeGreaterThan(120_000);
    }
  });
  it('keeps its place while conversations change state between pages', async () => {
    const first: { body: Json } = await twilio(sim, 'GET', '/v1/Conversations?State=active&PageSize=3');
    const seen = (first.body.conversations as Json[]).map((conversation) => conversation.sid as string);
    // One already listed closes: the next page neither skips nor repeats anything.
    sim.setConversationState(seen[0], 'closed');
    const rest = await listAll(
      `?${new URL((first.body.meta as Json).next_page_url as string).searchParams.toString()}`,
    );
    const restSids = rest.conversations.map((conversation) => conversation.sid as string);
    const fresh = await listAll('?State=active');
    expect([...seen.slice(1), ...restSids]).toEqual(fresh.conversations.map((conversation) => conversation.sid));
    sim.setConversationState(seen[0], 'active');
  });

  it.each([
    ['State=initializing', /State/],
    ['PageSize=101', /PageSize/],
    ['PageToken=nonsense', /PageToken/],
    ['StartDate=2024-01-01T00:00:00Z', /not supported/],
  ])('answers 400 in Twilio’s error shape to %s', async (query, message) => {
    const reply: { status: number; body: Json } = await twilio(sim, 'GET', `/v1/Conversations?${query}`);
    expect(reply.status).toBe(400);
    expectValid(schemas.error, reply.body);
    expect(reply.body.message).toMatch(message);
  });
});

describe('EvaluateTaskAttributes on the task list', () => {
  it('lists the tasks whose attributes match, with the other filters, matching ListTaskResponse', async () => {
    const messaging = sim.listTasks().filter((task) => task.conversationSid !== null);
    expect(messaging.length).toBeGreaterThan(3);
    const picked = messaging.slice(0, 3);
    const expression = `conversationSid IN [${picked.map((task) => `'${task.conversationSid}'`).join(', ')}]`;
    const reply: { status: number; body: Json } = await twilio(
      sim,
      'GET',
      `${tasksPath(sim)}?AssignmentStatus=pending,reserved,assigned,wrapping&EvaluateTaskAttributes=${encodeURIComponent(expression)}`,
    );
    expect(reply.status).toBe(200);
    expectValid(schemas.taskList, reply.body);
    expect((reply.body.tasks as Json[]).map((task) => task.sid).sort()).toEqual(picked.map((task) => task.sid).sort());

    const one = picked[0];
    const combined = `(conversationSid == '${one.conversationSid}' OR conversationSid == 'CHnone') AND channelType IN ['sms', 'web']`;
    const narrowed: { body: Json } = await twilio(
      sim,
      'GET',
      `${tasksPath(sim)}?EvaluateTaskAttributes=${encodeURIComponent(combined)}`,
    );
    expect((narrowed.body.tasks as Json[]).map((task) => task.sid)).toEqual([one.sid]);
  });

  it('answers 400 in Twilio’s error shape to an expression it cannot parse', async () => {
    const reply: { status: number; body: Json } = await twilio(
      sim,
      'GET',
      `${tasksPath(sim)}?EvaluateTaskAttributes=${encodeURIComponent("conversationSid IN ['CH1'")}`,
    );
    expect(reply.status).toBe(400);
    expectValid(schemas.error, reply.body);
    expect(reply.body).toMatchObject({ code: 20001, message: expect.stringMatching(/EvaluateTaskAttributes/) });
  });
});
