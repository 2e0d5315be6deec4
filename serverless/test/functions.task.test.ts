/**
 * POST /stuck-tasks/task through the real built Functions against the simulator.
 */
import type { TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import type { OracleVerdict, TaskView } from '@plugin-stuck-tasks/sandbox';
import { startStack } from './support/stack';
import type { Stack } from './support/stack';

jest.setTimeout(60_000);

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    simulator: { seed: 'task-suite', scenario: { openTasks: 60, recentlyEndedShare: 0, closedTasks: 4 } },
  });
});

afterAll(async () => {
  await stack?.stop();
});

function firstTask(verdict: OracleVerdict, predicate: (view: TaskView) => boolean = () => true): TaskView {
  const view = stack.sim.listTasks({ verdict }).find(predicate);
  if (!view) throw new Error(`the scenario has no ${verdict} task`);
  return view;
}

async function detail(taskSid: string) {
  return stack.call<TaskDetailResponse>('task', { Token: stack.adminToken(), TaskSid: taskSid });
}

describe('task detail', () => {
  it('shows a stuck task with its call, its reservations, the verdict and the action', async () => {
    const view = firstTask('stuck', (task) => task.assignmentStatus === 'assigned');
    const answer = await detail(view.sid);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      verdict: 'stuck',
      action: 'complete',
      task: {
        taskSid: view.sid,
        assignmentStatus: 'assigned',
        taskChannel: 'voice',
        taskQueueSid: view.taskQueueSid,
        taskQueueName: view.taskQueueName,
        attributes: JSON.parse(view.attributes),
      },
      call: { callSid: view.callSid, status: view.callStatus },
    });
    expect(answer.body.call?.endTime).not.toBeNull();
    expect(answer.body.reservations).toEqual(
      view.reservations.map((reservation) => ({
        workerSid: reservation.workerSid,
        workerName: reservation.workerName,
        status: reservation.status,
      })),
    );
    expect(answer.body.reservations.length).toBeGreaterThan(0);
    // The agent it blocks: the worker of its accepted reservation, named by the server.
    const accepted = view.reservations.find((reservation) => reservation.status === 'accepted');
    expect(accepted).toBeDefined();
    expect(answer.body).toMatchObject({ workerSid: accepted?.workerSid, workerName: accepted?.workerName });
  });

  it('shows a pending stuck task as one to cancel, held by no agent', async () => {
    const view = firstTask('stuck', (task) => task.assignmentStatus === 'pending');
    expect((await detail(view.sid)).body).toMatchObject({
      verdict: 'stuck',
      action: 'cancel',
      workerSid: null,
      workerName: null,
    });
  });

  it('shows a task whose call is live as active, without an action', async () => {
    const view = firstTask('active');
    const answer = await detail(view.sid);
    expect(answer.body).toMatchObject({ verdict: 'active', call: { callSid: view.callSid, status: view.callStatus } });
    expect(answer.body.action).toBeUndefined();
    expect(['queued', 'ringing', 'in-progress']).toContain(answer.body.call?.status);
  });

  it.each(['no_call_sid', 'call_not_found', 'bad_attributes'] as const)(
    'shows a task that needs review because of %s',
    async (problem) => {
      const view = firstTask('needs_review', (task) => task.problem === problem);
      const answer = await detail(view.sid);
      expect(answer.body).toMatchObject({ verdict: 'needs_review', problem, call: null });
      if (problem === 'bad_attributes') expect(answer.body.task.attributes).toBeNull();
    },
  );

  it('shows a chat task whose conversation is going as active, with its conversation and channel', async () => {
    const chat = firstTask('active', (view) => view.kind === 'other_channel');
    expect((await detail(chat.sid)).body).toMatchObject({
      verdict: 'active',
      conversation: { conversationSid: chat.conversationSid },
      interactionChannel: { channelSid: chat.interactionChannelSid, status: 'active' },
    });
  });

  it('shows a task of another channel that names no conversation as not_voice', async () => {
    const other = stack.sim.addTask({ channel: 'email', attributes: '{"from":"ann@example.com"}' });
    expect((await detail(other.sid)).body.verdict).toBe('not_voice');
  });

  it('shows a completed task as closed', async () => {
    const answer = await detail(firstTask('closed').sid);
    expect(answer.status).toBe(200);
    expect(answer.body.verdict).toBe('closed');
  });

  it('answers 404 not_found for a task that does not exist', async () => {
    const answer = await detail(`WT${'0'.repeat(32)}`);
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: 'not_found', message: expect.stringMatching(/does not exist/) } });
  });

  it('answers 404 once a closed task is past its time to live', async () => {
    const view = firstTask('stuck', (task) => task.assignmentStatus === 'reserved');
    stack.sim.closeTask(view.sid, 'canceled', 'closed elsewhere');
    stack.sim.configure({ closedTaskTtlMs: 0 });
    try {
      expect((await detail(view.sid)).status).toBe(404);
    } finally {
      stack.sim.configure({ closedTaskTtlMs: 5 * 60 * 1000 });
    }
  });

  it('answers 400 bad_request for a malformed TaskSid, without asking Twilio', async () => {
    const before = stack.sim.stats().requests['tasks.fetch'];
    const answer = await detail('WT123');
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: { code: 'bad_request', message: expect.stringMatching(/WT followed by 32/) },
    });
    expect(stack.sim.stats().requests['tasks.fetch']).toBe(before);
  });

  it('changes nothing', () => {
    expect(stack.sim.updateLog().filter((entry) => entry.source === 'api')).toEqual([]);
  });
});
