/**
 * POST /stuck-tasks/orphan-conversations through the real built Functions (twilio-run) against the
 * simulator's Conversations list and TaskRouter's EvaluateTaskAttributes: reverse orphans listed over
 * several answers, conversations with an open or wrapping task, recent ones and closed ones left out,
 * nothing changed, 400/401/403; on the production path (no base URL, the real hosts answered through
 * nock) and, with MESSAGING off, an empty list.
 */
import type { OrphanConversation, OrphanConversationsResponse } from '@plugin-stuck-tasks/contract';
import { DEFAULT_ORPHANS_MAX_SCANNED } from '../src/engine';
import type { ApiAnswer } from './support/http';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(300_000);

/** A grace period far longer than this suite takes: "recent" and "idle" never trade places mid-run. */
const GRACE_S = 3600;
const IDLE_S = 3 * GRACE_S;
/** More than one answer holds: the walk takes several calls. */
const ORPHANS = DEFAULT_ORPHANS_MAX_SCANNED + 150;

let stack: Stack;
const orphans = new Set<string>();
const notListed = { withOpenTask: [] as string[], recent: [] as string[], closed: [] as string[] };

beforeAll(async () => {
  stack = await startStack({
    simulator: { seed: 'orphans-suite', scenario: { openTasks: 60 } },
    settings: () => ({ STUCK_GRACE_SECONDS: String(GRACE_S) }),
    route: 'realHosts',
  });
  const sim = stack.sim;
  for (let i = 0; i < ORPHANS; i += 1) {
    orphans.add(sim.addConversation({ state: i % 3 === 0 ? 'inactive' : 'active', updatedSecondsAgo: IDLE_S + i }));
  }
  // Idle as long, but an open or wrapping task names each: not orphans.
  for (const assignmentStatus of ['pending', 'reserved', 'assigned', 'wrapping'] as const) {
    const conversationSid = sim.addConversation({ state: 'active', updatedSecondsAgo: IDLE_S });
    sim.addTask({ assignmentStatus, channel: 'sms', attributes: JSON.stringify({ conversationSid, from: '+1555' }) });
    notListed.withOpenTask.push(conversationSid);
  }
  // A task that named it was closed while the conversation stayed open: an orphan.
  const leftOpen = sim.addConversation({ state: 'inactive', updatedSecondsAgo: IDLE_S });
  const closedTask = sim.addTask({
    assignmentStatus: 'assigned',
    channel: 'chat',
    attributes: JSON.stringify({ conversationSid: leftOpen }),
  });
  sim.closeTask(closedTask.sid, 'completed');
  orphans.add(leftOpen);
  for (let i = 0; i < 3; i += 1) {
    notListed.recent.push(sim.addConversation({ state: i % 2 ? 'inactive' : 'active', updatedSecondsAgo: 5 }));
    notListed.closed.push(sim.addConversation({ state: 'closed', updatedSecondsAgo: IDLE_S }));
  }
});

afterAll(async () => {
  await stack?.stop();
});

function orphanConversations(params: Record<string, unknown>, encoding: 'form' | 'json' = 'form') {
  return stack.call<OrphanConversationsResponse>(
    'orphan-conversations',
    { Token: stack.adminToken(), ...params },
    encoding,
  );
}

/** What a client does: call, then again with PageToken, until nextPageToken is null. */
async function walk(): Promise<OrphanConversationsResponse[]> {
  const pages: OrphanConversationsResponse[] = [];
  let pageToken: string | null = null;
  do {
    const answer: ApiAnswer<OrphanConversationsResponse> = await orphanConversations(
      pageToken === null ? {} : { PageToken: pageToken },
    );
    expect(answer.status).toBe(200);
    pages.push(answer.body);
    pageToken = answer.body.nextPageToken;
  } while (pageToken !== null && pages.length < 50);
  return pages;
}

function expectError(answer: ApiAnswer, status: number, code: string, message?: RegExp): void {
  const error = (answer.body as { error?: { code?: string; message?: string } }).error;
  expect({ status: answer.status, code: error?.code }).toEqual({ status, code });
  if (message) expect(error?.message).toMatch(message);
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe('a walk over every conversation still going', () => {
  let pages: OrphanConversationsResponse[];
  let listed: OrphanConversation[];
  let updatesBefore: number;

  beforeAll(async () => {
    updatesBefore = stack.sim.updateLog().length;
    stack.sim.resetStats();
    pages = await walk();
    listed = pages.flatMap((page) => page.conversations);
  });

  it('lists exactly the reverse orphans, once each, over several answers', () => {
    expect(listed.map((conversation) => conversation.conversationSid).sort()).toEqual([...orphans].sort());
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.slice(0, -1).every((page) => page.nextPageToken !== null)).toBe(true);
    expect(pages[pages.length - 1].nextPageToken).toBeNull();
  });

  it('leaves out conversations an open or wrapping task names, recent ones and closed ones', () => {
    const sids = new Set(listed.map((conversation) => conversation.conversationSid));
    for (const sid of [...notListed.withOpenTask, ...notListed.recent, ...notListed.closed]) {
      expect(sids.has(sid)).toBe(false);
    }
  });

  it('counts what it looked at: every conversation going, split into recent, with an open task and orphaned', () => {
    const total = { scanned: 0, withOpenTask: 0, recent: 0, orphaned: 0 };
    for (const page of pages) {
      expect(page.counts.orphaned).toBe(page.conversations.length);
      expect(page.counts.scanned).toBe(page.counts.recent + page.counts.withOpenTask + page.counts.orphaned);
      for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += page.counts[key];
    }
    expect(total.orphaned).toBe(orphans.size);
    expect(total.withOpenTask).toBe(notListed.withOpenTask.length);
    // Recent: those added here, and the seeded chat and sms tasks' conversations (changed minutes ago).
    expect(total.recent).toBeGreaterThanOrEqual(notListed.recent.length);
  });

  it('says what each orphan is and how long it has been idle', () => {
    const inactive = listed.find((conversation) => conversation.state === 'inactive')!;
    expect(inactive).toMatchObject({ conversationSid: expect.stringMatching(/^CH[0-9a-f]{32}$/) });
    for (const conversation of listed) {
      expect(['active', 'inactive']).toContain(conversation.state);
      expect(conversation.idleSeconds).toBeGreaterThanOrEqual(IDLE_S);
      expect(Date.parse(conversation.dateUpdated)).toBeLessThanOrEqual(Date.now() - IDLE_S * 1000);
      expect(Date.parse(conversation.dateCreated)).toBeLessThanOrEqual(Date.parse(conversation.dateUpdated));
    }
  });

  it('asks TaskRouter in batches with EvaluateTaskAttributes, and changes nothing', () => {
    const requests = stack.sim.stats().requests;
    expect(requests['conversations.list']).toBeGreaterThanOrEqual(Math.ceil(orphans.size / 100));
    expect(requests['tasks.list']).toBeGreaterThanOrEqual(Math.ceil(orphans.size / 20));
    expect(requests['tasks.update'] + requests['interactions.channels.update']).toBe(0);
    expect(stack.sim.updateLog()).toHaveLength(updatesBefore);
    expect(stack.sim.channelUpdateLog()).toEqual([]);
  });
});

describe('refused requests', () => {
  it('answers 400 to a PageToken it did not issue (garbage, a history token)', async () => {
    expectError(await orphanConversations({ PageToken: 'garbage' }), 400, 'bad_request', /PageToken/);
    const history = await stack.call<{ nextPageToken: string | null }>('history', { Token: stack.adminToken() });
    expect(history.status).toBe(200);
    const historyLike = history.body.nextPageToken ?? 'hs1.eyJ3IjoiMDAwMDAwMDAifQ';
    expectError(await orphanConversations({ PageToken: historyLike }, 'json'), 400, 'bad_request', /PageToken/);
    expectError(await orphanConversations({ PageToken: 'oc1.eyJ3IjoiMDAwMDAwMDAifQ' }), 400, 'bad_request');
  });

  it('answers 401 without a valid token and 403 to a supervisor', async () => {
    expectError(await stack.call('orphan-conversations', {}, 'json'), 401, 'unauthorized');
    expectError(await stack.call('orphan-conversations', { Token: 'not-a-token' }), 401, 'unauthorized');
    const supervisor = await stack.call('orphan-conversations', { Token: stack.sim.issueSandboxToken('supervisor') });
    expectError(supervisor, 403, 'forbidden', /admin/);
  });
});

describe('MESSAGING=off', () => {
  let offStack: Stack;

  beforeAll(async () => {
    offStack = await startStack({
      simulator: { seed: 'orphans-off', scenario: { openTasks: 20, orphanConversations: 5 } },
      settings: () => ({ MESSAGING: 'off' }),
    });
  });
  afterAll(() => offStack?.stop());

  it('answers an empty list without asking Twilio', async () => {
    offStack.sim.resetStats();
    const answer = await offStack.call<OrphanConversationsResponse>('orphan-conversations', {
      Token: offStack.adminToken(),
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      conversations: [],
      counts: { scanned: 0, withOpenTask: 0, recent: 0, orphaned: 0 },
      nextPageToken: null,
    });
    expect(offStack.sim.stats().requests['conversations.list']).toBe(0);
  });
});
