import type { ScanResponse } from '@plugin-stuck-tasks/contract';
import { makeReviewItem, makeSuspect, makeWrapup } from '../test/fixtures';
import type { ViewAction, ViewState } from './viewState';
import { INITIAL_VIEW_STATE, viewReducer } from './viewState';

const page = (suspects: ScanResponse['suspects'], needsReview: ScanResponse['needsReview'] = []): ScanResponse => ({
  suspects,
  needsReview,
  counts: {
    scanned: suspects.length + needsReview.length,
    stuck: suspects.length,
    wrapupOverdue: suspects.filter((suspect) => suspect.kind === 'wrapup_overdue').length,
    conversationClosed: suspects.filter((suspect) => suspect.kind === 'conversation_closed').length,
    needsReview: needsReview.length,
    active: 0,
    skipped: 0,
  },
  nextPageToken: null,
});
const run = (...actions: ViewAction[]): ViewState => actions.reduce(viewReducer, INITIAL_VIEW_STATE);
const sids = (state: ViewState) => state.suspects.map((suspect) => suspect.taskSid);

const [a, b, c] = [makeSuspect(1), makeSuspect(2), makeSuspect(3)];

it('drops pages of an older scan that arrive after a new one started', () => {
  const state = run(
    { type: 'scanStarted', runId: 1 },
    { type: 'scanStarted', runId: 2 },
    { type: 'pageReceived', runId: 1, page: page([a]) },
    { type: 'pageReceived', runId: 2, page: page([b]) },
    { type: 'scanEnded', runId: 1, phase: 'done' },
  );
  expect(sids(state)).toEqual([b.taskSid]);
  expect(state.scan).toMatchObject({ phase: 'running', pages: 1, counts: { scanned: 1, stuck: 1 } });
});

it('lists a task once even if a page repeats it', () => {
  const state = run(
    { type: 'scanStarted', runId: 1 },
    { type: 'pageReceived', runId: 1, page: page([a, b]) },
    { type: 'pageReceived', runId: 1, page: page([b, c]) },
  );
  expect(sids(state)).toEqual([a.taskSid, b.taskSid, c.taskSid]);
});

it('does not bring back a task closed while the scan was still running', () => {
  const review = makeReviewItem(9);
  const state = run(
    { type: 'scanStarted', runId: 1 },
    { type: 'pageReceived', runId: 1, page: page([a, b], [review]) },
    { type: 'singleClosed', result: { taskSid: a.taskSid, outcome: 'canceled', message: '' } },
    { type: 'singleClosed', result: { taskSid: review.taskSid, outcome: 'completed', message: '' } },
    // A page the server built before those closes still lists them.
    { type: 'pageReceived', runId: 1, page: page([a, c], [review]) },
  );
  expect(sids(state)).toEqual([b.taskSid, c.taskSid]);
  expect(state.needsReview).toEqual([]);
  // A fresh scan trusts the server again.
  expect(
    sids(
      viewReducer(viewReducer(state, { type: 'scanStarted', runId: 2 }), {
        type: 'pageReceived',
        runId: 2,
        page: page([a]),
      }),
    ),
  ).toEqual([a.taskSid]);
});

it('keeps failed rows selected, lets go of rows that are not stuck, and will not select those again', () => {
  let state = run(
    { type: 'scanStarted', runId: 1 },
    { type: 'pageReceived', runId: 1, page: page([a, b, c]) },
    { type: 'allToggled', taskSids: [a.taskSid, b.taskSid, c.taskSid], selected: true },
    { type: 'closeStarted', taskSids: [a.taskSid, b.taskSid, c.taskSid], retry: false },
    {
      type: 'batchClosed',
      results: [
        { taskSid: a.taskSid, outcome: 'failed', message: 'x' },
        { taskSid: b.taskSid, outcome: 'not_stuck', message: 'live' },
        { taskSid: c.taskSid, outcome: 'not_found', message: 'gone' },
      ],
    },
    { type: 'closeEnded' },
  );
  expect([...state.selected]).toEqual([a.taskSid]);
  expect(sids(state)).toEqual([a.taskSid, b.taskSid]);
  state = viewReducer(state, { type: 'rowToggled', taskSid: b.taskSid });
  state = viewReducer(state, { type: 'allToggled', taskSids: [a.taskSid, b.taskSid], selected: true });
  expect([...state.selected]).toEqual([a.taskSid]);
  expect(state.close).toEqual({ running: false, total: 3, done: 3 });
});

it("selects and clears one group at a time, keeping the other group's selection", () => {
  const [w1, w2] = [makeWrapup(11), makeWrapup(12)];
  let state = run(
    { type: 'scanStarted', runId: 1 },
    { type: 'pageReceived', runId: 1, page: page([a, w1, b, w2]) },
    { type: 'pageReceived', runId: 1, page: page([c]) },
    { type: 'rowToggled', taskSid: a.taskSid },
    { type: 'allToggled', taskSids: [w1.taskSid, w2.taskSid], selected: true },
  );
  expect([...state.selected].sort()).toEqual([a.taskSid, w1.taskSid, w2.taskSid].sort());
  expect(state.scan.counts).toMatchObject({ stuck: 5, wrapupOverdue: 2 });

  state = viewReducer(state, { type: 'allToggled', taskSids: [a.taskSid, b.taskSid, c.taskSid], selected: true });
  expect(state.selected.size).toBe(5);
  state = viewReducer(state, { type: 'allToggled', taskSids: [a.taskSid, b.taskSid, c.taskSid], selected: false });
  expect([...state.selected].sort()).toEqual([w1.taskSid, w2.taskSid].sort());
});

it('select-all under a filter selects the rows shown only, and ignores SIDs no longer listed', () => {
  let state = run(
    { type: 'scanStarted', runId: 1 },
    { type: 'pageReceived', runId: 1, page: page([a, b, c]) },
    { type: 'rowToggled', taskSid: c.taskSid },
    { type: 'allToggled', taskSids: [a.taskSid, 'WT' + 'f'.repeat(32)], selected: true },
  );
  expect([...state.selected].sort()).toEqual([a.taskSid, c.taskSid].sort());
  // Clearing the shown rows keeps the hidden selection.
  state = viewReducer(state, { type: 'allToggled', taskSids: [a.taskSid], selected: false });
  expect([...state.selected]).toEqual([c.taskSid]);
});
