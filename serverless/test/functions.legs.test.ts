/**
 * Issue 10 through the real built Functions (twilio-run) against the simulator: every call leg of a
 * voice task, overdue wrap-ups (WRAPUP_OVERDUE_MINUTES on), the agent a suspect blocks, and the Insights
 * outcome written in the one close update.
 */
import type { CloseResponse, ScanResponse, Suspect, TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import { CONVERSATIONS_ATTRIBUTES_TEXT } from '@plugin-stuck-tasks/sandbox';
import type { TaskView } from '@plugin-stuck-tasks/sandbox';
import type { ApiAnswer } from './support/http';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(120_000);

const WRAPUP_OVERDUE_MINUTES = 30;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    // The oracle judges wrap-ups with the same threshold as the Functions.
    simulator: {
      seed: 'legs-suite',
      scenario: { openTasks: 400, recentlyEndedShare: 0 },
      wrapupOverdueMinutes: WRAPUP_OVERDUE_MINUTES,
    },
    settings: () => ({ STUCK_GRACE_SECONDS: '60', WRAPUP_OVERDUE_MINUTES: String(WRAPUP_OVERDUE_MINUTES) }),
  });
});

afterAll(async () => {
  await stack?.stop();
});

async function walkScan(): Promise<{ suspects: Suspect[]; counts: ScanResponse['counts'] }> {
  const token = stack.adminToken();
  const suspects: Suspect[] = [];
  let wrapupOverdue = 0;
  let pageToken: string | null = null;
  let counts: ScanResponse['counts'] | null = null;
  do {
    const answer: ApiAnswer<ScanResponse> = await stack.call<ScanResponse>(
      'scan',
      pageToken === null ? { Token: token } : { Token: token, PageToken: pageToken },
    );
    expect(answer.status).toBe(200);
    suspects.push(...answer.body.suspects);
    wrapupOverdue += answer.body.counts.wrapupOverdue;
    counts = answer.body.counts;
    pageToken = answer.body.nextPageToken;
  } while (pageToken !== null);
  return { suspects, counts: { ...(counts as ScanResponse['counts']), wrapupOverdue } };
}

const sorted = (values: string[]) => [...values].sort();
const legText = (legs: { role: string; callSid: string; status: string | null }[]) =>
  legs.map((leg) => `${leg.role}:${leg.callSid}:${leg.status}`);

describe('call legs, overdue wrap-ups and agents', () => {
  it('scans exactly what the simulator calls stuck, conference, outbound and overdue wrap-ups included', async () => {
    const expected = stack.sim.listTasks({ verdict: 'stuck' });
    const { suspects, counts } = await walkScan();
    expect(sorted(suspects.map((suspect) => suspect.taskSid))).toEqual(sorted(expected.map((task) => task.sid)));
    const byKind = (kind: string) => expected.filter((task) => task.stuckKind === kind).length;
    expect(byKind('wrapup_overdue')).toBeGreaterThan(0);
    expect(counts.wrapupOverdue).toBe(byKind('wrapup_overdue'));
    expect(suspects.some((suspect) => suspect.legs.length > 1)).toBe(true);

    const views = new Map<string, TaskView>(expected.map((task) => [task.sid, task]));
    for (const suspect of suspects) {
      const view = views.get(suspect.taskSid) as TaskView;
      expect(suspect.kind).toBe(view.stuckKind);
      expect(suspect.action).toBe(view.action);
      expect(legText(suspect.legs)).toEqual(legText(view.legs));
      expect(suspect.callSid).toBe(view.callSid ?? view.legs[0].callSid);
      if (suspect.assignmentStatus === 'pending') {
        expect([suspect.workerSid, suspect.workerName]).toEqual([null, null]);
      } else {
        const holder = view.reservations.find((reservation) =>
          ['pending', 'accepted', 'wrapping'].includes(reservation.status),
        );
        expect([suspect.workerSid, suspect.workerName]).toEqual([
          holder?.workerSid ?? null,
          holder?.workerName ?? null,
        ]);
      }
      if (suspect.kind === 'wrapup_overdue')
        expect(suspect).toMatchObject({ assignmentStatus: 'wrapping', action: 'complete' });
    }
  });

  it('shows every leg in the task detail and gives the same verdict', async () => {
    const conference = stack.sim.listTasks({ verdict: 'stuck' }).find((task) => task.legs.length > 1) as TaskView;
    const answer = await stack.call<TaskDetailResponse>('task', { Token: stack.adminToken(), TaskSid: conference.sid });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ verdict: 'stuck', kind: conference.stuckKind, action: conference.action });
    expect(answer.body.legs.map((leg) => [leg.role, leg.callSid, leg.call?.status ?? null])).toEqual(
      conference.legs.map((leg) => [leg.role, leg.callSid, leg.status]),
    );
  });

  it('refuses a task whose worker leg is live, naming the leg, even with force', async () => {
    const live = stack.sim.listTasks({}).find((task) => task.kind === 'conference_worker_live') as TaskView;
    const worker = live.legs.find((leg) => leg.role === 'worker') as TaskView['legs'][number];
    const answer = await stack.call<CloseResponse>('close', {
      Token: stack.adminToken(),
      TaskSids: live.sid,
      Force: 'true',
    });
    expect(answer.body.results).toEqual([
      {
        taskSid: live.sid,
        outcome: 'not_stuck',
        message: `Not closed: its worker leg ${worker.callSid} is still ${worker.status}.`,
      },
    ]);
  });

  it('completes an overdue wrap-up and writes the Insights outcome in the same update, every other byte kept', async () => {
    const since = stack.sim.updateLog().length;
    const overdue = stack.sim
      .listTasks({ verdict: 'stuck' })
      .find(
        (task) => task.stuckKind === 'wrapup_overdue' && task.attributes.includes(CONVERSATIONS_ATTRIBUTES_TEXT),
      ) as TaskView;
    const answer = await stack.call<CloseResponse>('close', { Token: stack.adminToken(), TaskSids: overdue.sid });
    expect(answer.body.results).toEqual([
      {
        taskSid: overdue.sid,
        outcome: 'completed',
        message: expect.stringMatching(/^Completed \(was wrapping for \d+ min; every call leg ended\)\.$/),
      },
    ]);
    const updates = stack.sim
      .updateLog()
      .slice(since)
      .filter((entry) => entry.taskSid === overdue.sid);
    expect(updates).toHaveLength(1);
    const outcome = CONVERSATIONS_ATTRIBUTES_TEXT.replace(/}$/, ',"outcome":"Closed stuck task"}');
    expect(updates[0]).toMatchObject({ from: 'wrapping', to: 'completed', ifMatch: overdue.etag });
    expect(updates[0].attributes).toBe(overdue.attributes.replace(CONVERSATIONS_ATTRIBUTES_TEXT, outcome));
  });
});
