/**
 * The real built Functions under twilio-run with warm instances (`--function-instances warm`: one
 * process, modules kept between calls, as Twilio reuses a warm Function container), against the
 * simulator; and the same workspace through the default, a fresh process per call.
 *
 * What a warm instance keeps is the engine (endpoint.ts): the live-call list taken by one scan serves
 * the next within the grace period, so a second scan right after the first lists no calls at all,
 * and still judges every task the same way. A fresh process per call lists them again every time.
 */
import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import type { FunctionsServer } from '@plugin-stuck-tasks/sandbox/src/start/functions';
import type { ApiAnswer } from './support/http';
import { post } from './support/http';
import { startFunctionsFor, startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(120_000);

// Long enough that the minutes a busy machine takes cannot age the first scan's live-call list out.
const GRACE_SECONDS = 900;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    instances: 'warm',
    simulator: {
      seed: 'warm-instances',
      graceSeconds: GRACE_SECONDS,
      scenario: { openTasks: 300, graceSeconds: GRACE_SECONDS },
    },
    settings: () => ({ STUCK_GRACE_SECONDS: String(GRACE_SECONDS) }),
  });
});

afterAll(async () => {
  await stack?.stop();
});

/** Every page of a scan through `functionsUrl`; the suspects' SIDs and the calls listed meanwhile. */
async function scanThrough(functionsUrl: string): Promise<{ suspects: string[]; callLists: number }> {
  const before = stack.sim.stats().requests['calls.list'];
  const suspects: string[] = [];
  let pageToken: string | null = null;
  do {
    const answer: ApiAnswer<ScanResponse> = await post<ScanResponse>(`${functionsUrl}/stuck-tasks/scan`, {
      Token: stack.adminToken(),
      ...(pageToken ? { PageToken: pageToken } : {}),
    });
    expect(answer.status).toBe(200);
    suspects.push(...answer.body.suspects.map((suspect) => suspect.taskSid));
    pageToken = answer.body.nextPageToken;
  } while (pageToken !== null);
  return { suspects: suspects.sort(), callLists: stack.sim.stats().requests['calls.list'] - before };
}

test('a warm instance reuses the live-call list of the scan before, and judges the same', async () => {
  const first = await scanThrough(stack.functions.url);
  expect(first.callLists).toBeGreaterThan(0);
  expect(first.suspects.length).toBeGreaterThan(0);
  const second = await scanThrough(stack.functions.url);
  expect(second.callLists).toBe(0);
  expect(second.suspects).toEqual(first.suspects);
});

test('a fresh process per call (the default) lists the live calls on every scan', async () => {
  let cold: FunctionsServer | null = null;
  try {
    cold = await startFunctionsFor(
      {
        ACCOUNT_SID: stack.sim.accountSid,
        AUTH_TOKEN: stack.sim.authToken,
        TASKROUTER_WORKSPACE_SID: stack.sim.workspaceSid,
        STUCK_GRACE_SECONDS: String(GRACE_SECONDS),
      },
      stack.sim.url,
    );
    const first = await scanThrough(cold.url);
    const second = await scanThrough(cold.url);
    expect(first.callLists).toBeGreaterThan(0);
    expect(second.callLists).toBe(first.callLists);
    expect(second.suspects).toEqual(first.suspects);
  } finally {
    await cold?.stop();
  }
});
