import type { CallLeg } from '@plugin-stuck-tasks/contract';
import { callSid, makeReviewItem, makeSuspect, makeWrapup, taskSid, workerSid } from '../test/fixtures';
import {
  compileFilter,
  countHiddenSelected,
  EMPTY_FILTER,
  filterOptions,
  filterTasks,
  isFilterActive,
  listKind,
  NONE,
  parseAgeMinutes,
} from './filters';
import type { TaskFilter } from './filters';

const only = (criteria: Partial<TaskFilter>): TaskFilter => ({ ...EMPTY_FILTER, ...criteria });

describe('filterTasks', () => {
  // Task n: status pending/reserved/assigned by n % 3, queue "Queue n%4", agent n%5 unless pending, age 600 + 60n s.
  const suspects = Array.from({ length: 12 }, (_, i) => makeSuspect(i + 1));
  const wrapup = makeWrapup(40);
  const review = makeReviewItem(50, { taskQueueName: null, callSid: 'not-a-call-sid' });
  const all = [...suspects, wrapup, review];
  const sidsOf = (tasks: readonly { taskSid: string }[]) => tasks.map((task) => task.taskSid);

  it('returns the very same list when nothing is filtered', () => {
    expect(isFilterActive(EMPTY_FILTER)).toBe(false);
    expect(isFilterActive(only({ text: '   ' }))).toBe(false);
    expect(filterTasks(all, EMPTY_FILTER)).toBe(all);
  });

  it('narrows by queue, with NONE for tasks without one', () => {
    expect(sidsOf(filterTasks(all, only({ queue: 'Queue 1' })))).toEqual([taskSid(1), taskSid(5), taskSid(9)]);
    expect(sidsOf(filterTasks(all, only({ queue: NONE })))).toEqual([taskSid(50)]);
  });

  it('narrows by status, kind and call status; review rows have no call status', () => {
    expect(sidsOf(filterTasks(all, only({ status: 'wrapping' })))).toEqual([taskSid(40)]);
    expect(sidsOf(filterTasks(all, only({ kind: 'wrapup_overdue' })))).toEqual([taskSid(40)]);
    expect(sidsOf(filterTasks(all, only({ kind: 'needs_review' })))).toEqual([taskSid(50)]);
    expect(filterTasks(all, only({ kind: 'call_ended' }))).toHaveLength(12);
    const failed = makeSuspect(60, { callStatus: 'failed' });
    expect(sidsOf(filterTasks([...all, failed], only({ callStatus: 'failed' })))).toEqual([taskSid(60)]);
    expect(filterTasks(all, only({ callStatus: 'completed' }))).toHaveLength(13);
  });

  it('narrows by agent, with NONE for tasks no agent holds', () => {
    // Agent 2 holds tasks 2, 7 (and 12 is pending? 12 % 3 == 0: pending, held by no one).
    expect(sidsOf(filterTasks(all, only({ agent: workerSid(2) })))).toEqual([taskSid(2), taskSid(7)]);
    expect(sidsOf(filterTasks(all, only({ agent: NONE })))).toEqual([
      taskSid(3),
      taskSid(6),
      taskSid(9),
      taskSid(12),
      taskSid(50),
    ]);
  });

  it('narrows by an age range in minutes, both ends included', () => {
    // Ages: 11, 12, …, 22 minutes for tasks 1…12.
    expect(sidsOf(filterTasks(suspects, only({ minAgeMinutes: 20 })))).toEqual([taskSid(10), taskSid(11), taskSid(12)]);
    expect(sidsOf(filterTasks(suspects, only({ maxAgeMinutes: 12 })))).toEqual([taskSid(1), taskSid(2)]);
    expect(sidsOf(filterTasks(suspects, only({ minAgeMinutes: 15, maxAgeMinutes: 15 })))).toEqual([taskSid(5)]);
    expect(filterTasks(suspects, only({ minAgeMinutes: 30, maxAgeMinutes: 10 }))).toEqual([]);
  });

  it('finds text in the task SID and in every call leg, whatever the case', () => {
    expect(sidsOf(filterTasks(all, only({ text: taskSid(7).toLowerCase() })))).toEqual([taskSid(7)]);
    // The wrap-up's second leg (the agent's) is not its primary call.
    expect(sidsOf(filterTasks(all, only({ text: ` ${callSid(0x10000 + 40).toUpperCase()} ` })))).toEqual([taskSid(40)]);
    expect(sidsOf(filterTasks(all, only({ text: 'not-a-call' })))).toEqual([taskSid(50)]);
    expect(filterTasks(all, only({ text: 'CAnothing' }))).toEqual([]);
  });

  it("finds a leg's phone number however it is written, and its client or SIP address", () => {
    // Task n's customer called from +1 415 555 nnnn; every call reached the contact centre's +1 800 555 0199.
    for (const typed of ['+14155550007', '415 555 0007', '(415) 555-0007', '+1-415-555-0007', '415.555.0007']) {
      expect(sidsOf(filterTasks(all, only({ text: typed })))).toEqual([taskSid(7)]);
    }
    // The To of every voice suspect's call; the review row has no legs.
    expect(filterTasks(all, only({ text: '800 555 0199' }))).toHaveLength(13);
    // The wrap-up's agent leg went to the agent's Flex client.
    expect(sidsOf(filterTasks(all, only({ text: 'CLIENT:agent_0' })))).toEqual([taskSid(40)]);
    // Separators alone are no number: they would otherwise match every row.
    expect(filterTasks(all, only({ text: '+' }))).toEqual([]);
    expect(filterTasks(all, only({ text: '415 555 9999' }))).toEqual([]);
  });

  it('searches legs without numbers (from a server older than them) by their SIDs only', () => {
    const oldLeg: Partial<CallLeg> = { ...makeSuspect(8).legs[0] };
    delete oldLeg.from;
    delete oldLeg.to;
    const old = makeSuspect(8, { legs: [oldLeg as CallLeg] });
    expect(filterTasks([old], only({ text: '415 555 0008' }))).toEqual([]);
    expect(sidsOf(filterTasks([old], only({ text: callSid(8) })))).toEqual([taskSid(8)]);
  });

  it('combines criteria with AND', () => {
    const matches = compileFilter(only({ queue: 'Queue 1', status: 'reserved' }));
    expect(sidsOf(all.filter(matches))).toEqual([taskSid(1)]);
  });
});

describe('listKind', () => {
  it('names the list each row is in', () => {
    expect([makeSuspect(1), makeWrapup(2), makeReviewItem(3)].map(listKind)).toEqual([
      'call_ended',
      'wrapup_overdue',
      'needs_review',
    ]);
  });
});

describe('filterOptions', () => {
  it('offers only the values present, sorted, with "none" first among agents', () => {
    const options = filterOptions([
      makeSuspect(2, { workerName: 'Zoe' }),
      makeSuspect(3),
      makeSuspect(4, { workerName: 'Adam', callStatus: 'failed' }),
      makeReviewItem(9, { taskQueueName: null, assignmentStatus: 'wrapping' }),
    ]);
    expect(options.queues).toEqual([NONE, 'Queue 0', 'Queue 2', 'Queue 3']);
    expect(options.statuses).toEqual(['pending', 'reserved', 'assigned', 'wrapping']);
    expect(options.callStatuses).toEqual(['completed', 'failed']);
    expect(options.agents).toEqual([
      { value: NONE, name: null },
      { value: workerSid(4), name: 'Adam' },
      { value: workerSid(2), name: 'Zoe' },
    ]);
  });
});

describe('countHiddenSelected', () => {
  it('counts the selected tasks the filter does not show', () => {
    const shown = [makeSuspect(1), makeSuspect(2)];
    expect(countHiddenSelected(new Set([taskSid(1), taskSid(3), taskSid(4)]), shown)).toBe(2);
    expect(countHiddenSelected(new Set([taskSid(1)]), shown)).toBe(0);
    expect(countHiddenSelected(new Set(), shown)).toBe(0);
  });
});

describe('parseAgeMinutes', () => {
  it('reads whole minutes, empty as no bound, and refuses the rest', () => {
    expect(parseAgeMinutes('')).toBeNull();
    expect(parseAgeMinutes(' 45 ')).toBe(45);
    expect(parseAgeMinutes('0')).toBe(0);
    for (const bad of ['-5', '1.5', 'ten', '1e3', '12345678']) expect(parseAgeMinutes(bad)).toBe('invalid');
  });
});
