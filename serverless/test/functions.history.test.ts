/**
 * POST /stuck-tasks/history through the real built Functions (twilio-run) against the simulator's
 * TaskRouter Events: the window's edges, paging over several answers and several Twilio pages,
 * others' closures left out, closures made by /close found with the admin's identity, 400/401/403.
 */
import type { HistoryEntry, HistoryResponse } from '@plugin-stuck-tasks/contract';
import { HISTORY_DAYS_DEFAULT } from '@plugin-stuck-tasks/contract';
import { SANDBOX_CLOSE_REASON, SANDBOX_USERS } from '@plugin-stuck-tasks/sandbox';
import { DEFAULT_HISTORY_MAX_ENTRIES } from '../src/engine';
import { DEFAULT_CLOSE_REASON } from '../src/settings';
import type { ApiAnswer } from './support/http';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(300_000);

const DAY_S = 86_400;
/** Far from every edge compared with how long this suite takes. */
const HOUR_S = 3600;
/** More canceled closures than one Twilio page (1,000): the engine follows Twilio's paging too. */
const OURS_CANCELED = 1_100;
const OURS_COMPLETED = 250;
const OTHERS = 150;
const ADMIN = SANDBOX_USERS.admin.identity;

let stack: Stack;
/** Task SIDs of the closures placed at the edges. */
const edge = { inside3: '', outside3: '', inside7: '', outside7: '', inside30: '' };
const otherSids = new Set<string>();

beforeAll(async () => {
  stack = await startStack({
    simulator: { seed: 'history-suite', scenario: { openTasks: 60, history: { ours: 0, others: 0 } } },
  });
  const sim = stack.sim;
  const ours = (identity: string) => `${SANDBOX_CLOSE_REASON} Closed by ${identity}.`;
  const add = (status: 'canceled' | 'completed', reason: string, closedSecondsAgo: number) =>
    sim.addClosureEvent({ status, reason, closedSecondsAgo, taskQueueName: 'Sales' }).taskSid;
  // Within the last two days (so inside every window): ours by several identities, others' between.
  for (let i = 0; i < OURS_CANCELED; i += 1) add('canceled', ours(i % 2 ? 'cli:ops' : ADMIN), HOUR_S + i * 97);
  for (let i = 0; i < OURS_COMPLETED; i += 1) add('completed', ours('cli:night-shift'), HOUR_S + i * 331);
  for (let i = 0; i < OTHERS; i += 1) {
    otherSids.add(add(i % 2 ? 'canceled' : 'completed', i % 3 ? 'hangup' : 'Completed by agent', HOUR_S + i * 500));
  }
  edge.inside3 = add('canceled', ours(ADMIN), 3 * DAY_S - HOUR_S);
  edge.outside3 = add('completed', ours(ADMIN), 3 * DAY_S + HOUR_S);
  edge.inside7 = add('canceled', ours('cli:ops'), 7 * DAY_S - HOUR_S);
  edge.outside7 = add('completed', ours('cli:ops'), 7 * DAY_S + HOUR_S);
  edge.inside30 = add('canceled', ours(ADMIN), 30 * DAY_S - HOUR_S);
});

afterAll(async () => {
  await stack?.stop();
});

function history(params: Record<string, unknown>, encoding: 'form' | 'json' = 'form') {
  return stack.call<HistoryResponse>('history', { Token: stack.adminToken(), ...params }, encoding);
}

/** What a client does: call history, then again with PageToken, until nextPageToken is null. */
async function walk(days?: number): Promise<{ pages: HistoryResponse[]; entries: HistoryEntry[] }> {
  const pages: HistoryResponse[] = [];
  let pageToken: string | null = null;
  do {
    const params: Record<string, unknown> = pageToken === null ? {} : { PageToken: pageToken };
    if (days !== undefined) params.Days = days;
    const answer: ApiAnswer<HistoryResponse> = await history(params);
    expect(answer.status).toBe(200);
    pages.push(answer.body);
    pageToken = answer.body.nextPageToken;
  } while (pageToken !== null && pages.length < 100);
  return { pages, entries: pages.flatMap((page) => page.entries) };
}

function expectNewestFirst(entries: HistoryEntry[]): void {
  const times = entries.map((entry) => Date.parse(entry.closedAt));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
}

function expectError(answer: ApiAnswer, status: number, code: string, message?: RegExp): void {
  const error = (answer.body as { error?: { code?: string; message?: string } }).error;
  expect({ status: answer.status, code: error?.code }).toEqual({ status, code });
  if (message) expect(error?.message).toMatch(message);
  expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

it('the simulator seeds its history with the service’s default CLOSE_REASON', () => {
  expect(SANDBOX_CLOSE_REASON).toBe(DEFAULT_CLOSE_REASON);
});

describe('a walk over 30 days', () => {
  let walked: { pages: HistoryResponse[]; entries: HistoryEntry[] };
  beforeAll(async () => {
    walked = await walk(30);
  });

  it('lists every closure this service made, once each, newest first, over several answers', () => {
    const { pages, entries } = walked;
    expect(entries).toHaveLength(OURS_CANCELED + OURS_COMPLETED + 5);
    expect(new Set(entries.map((entry) => entry.taskSid)).size).toBe(entries.length);
    expectNewestFirst(entries);
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(entries.length / DEFAULT_HISTORY_MAX_ENTRIES));
    expect(pages.slice(0, -1).every((page) => page.nextPageToken !== null)).toBe(true);
    expect(pages[pages.length - 1].nextPageToken).toBeNull();
    // Two Twilio pages of task.canceled events at least.
    expect(stack.sim.stats().requests['events.list']).toBeGreaterThanOrEqual(3);
  });

  it('leaves out the closures made by anyone else', () => {
    expect(walked.entries.filter((entry) => otherSids.has(entry.taskSid))).toEqual([]);
    expect(walked.entries.every((entry) => entry.reason.startsWith(DEFAULT_CLOSE_REASON))).toBe(true);
  });

  it('says who closed each task, the CLI operators included, with its outcome, queue and channel', () => {
    const byWho = new Map<string | null, number>();
    for (const entry of walked.entries) byWho.set(entry.closedBy, (byWho.get(entry.closedBy) ?? 0) + 1);
    expect(byWho.get('cli:night-shift')).toBe(OURS_COMPLETED);
    expect(byWho.get('cli:ops')).toBe(OURS_CANCELED / 2 + 2);
    expect(byWho.get(ADMIN)).toBe(OURS_CANCELED / 2 + 3);
    const completed = walked.entries.find((entry) => entry.closedBy === 'cli:night-shift');
    expect(completed).toMatchObject({ outcome: 'completed', taskQueueName: 'Sales', taskChannel: 'voice' });
    expect(walked.entries.find((entry) => entry.taskSid === edge.inside3)).toMatchObject({ outcome: 'canceled' });
  });
});

describe('the window', () => {
  it('covers exactly the days asked for: a closure an hour inside is listed, an hour outside is not', async () => {
    const sids = new Set((await walk(3)).entries.map((entry) => entry.taskSid));
    expect(sids.has(edge.inside3)).toBe(true);
    expect(sids.has(edge.outside3)).toBe(false);
    expect(sids.has(edge.inside7)).toBe(false);
  });

  it(`covers ${HISTORY_DAYS_DEFAULT} days without Days`, async () => {
    const first = await history({}, 'json');
    expect(first.status).toBe(200);
    const sids = new Set((await walk()).entries.map((entry) => entry.taskSid));
    expect(sids.has(edge.inside7)).toBe(true);
    expect(sids.has(edge.outside7)).toBe(false);
    expect(sids.has(edge.outside3)).toBe(true);
  });
});

describe('closures made by /close', () => {
  it('are at the top of the history with the admin’s identity', async () => {
    const stuck = stack.sim.listTasks({ verdict: 'stuck' }).slice(0, 3);
    expect(stuck).toHaveLength(3);
    const closed = await stack.call('close', { Token: stack.adminToken(), TaskSids: stuck.map((task) => task.sid) });
    expect(closed.status).toBe(200);
    const answer = await history({ Days: 1 }, 'json');
    expect(answer.status).toBe(200);
    const top = answer.body.entries.slice(0, 3);
    expect(new Set(top.map((entry) => entry.taskSid))).toEqual(new Set(stuck.map((task) => task.sid)));
    for (const entry of top) {
      const task = stuck.find((candidate) => candidate.sid === entry.taskSid)!;
      expect(entry).toMatchObject({
        closedBy: ADMIN,
        outcome: task.action === 'cancel' ? 'canceled' : 'completed',
        taskQueueName: task.taskQueueName,
        taskChannel: 'voice',
      });
      expect(entry.reason).toBe(`${DEFAULT_CLOSE_REASON} Closed by ${ADMIN}.`);
    }
  });
});

describe('refused requests', () => {
  it.each([
    ['Days 0', { Days: '0' }],
    ['Days 31', { Days: '31' }],
    ['Days "abc"', { Days: 'abc' }],
  ])('answers 400 to %s, naming the accepted range', async (_label, params) => {
    expectError(await history(params), 400, 'bad_request', /Days .* is not valid: a whole number of days from 1 to 30/);
  });

  it('answers 400 to Days 31 in a JSON body too', async () => {
    expectError(await history({ Days: 31 }, 'json'), 400, 'bad_request', /from 1 to 30/);
  });

  it('answers 400 to a PageToken it did not issue (garbage, a scan token) and to a Days the token does not match', async () => {
    expectError(await history({ PageToken: 'garbage' }), 400, 'bad_request', /PageToken/);
    const scan = await stack.call<{ nextPageToken: string | null }>('scan', { Token: stack.adminToken() });
    expect(scan.status).toBe(200);
    const scanLike = scan.body.nextPageToken ?? 'st1.eyJ3IjoiMDAwMDAwMDAifQ';
    expectError(await history({ PageToken: scanLike }), 400, 'bad_request', /PageToken/);
    const first = await history({ Days: 2 });
    expect(first.body.nextPageToken).not.toBeNull();
    expectError(
      await history({ Days: 5, PageToken: first.body.nextPageToken }),
      400,
      'bad_request',
      /history of 2 days, not 5/,
    );
  });

  it('answers 401 without a valid token and 403 to a supervisor', async () => {
    expectError(await stack.call('history', { Days: 7 }, 'json'), 401, 'unauthorized');
    expectError(await stack.call('history', { Token: 'not-a-token', Days: 7 }), 401, 'unauthorized');
    const supervisor = await stack.call('history', { Token: stack.sim.issueSandboxToken('supervisor'), Days: 7 });
    expectError(supervisor, 403, 'forbidden', /admin/);
  });
});
