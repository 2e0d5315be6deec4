import type { CloseResult, ReviewItem, ScanCounts, ScanResponse, Suspect } from '@plugin-stuck-tasks/contract';
import { addScanCounts, ZERO_SCAN_COUNTS } from '@plugin-stuck-tasks/contract';
import { leavesTheList } from './suspects';

export type ScanPhase = 'idle' | 'running' | 'done' | 'stopped' | 'failed';

export interface ViewState {
  scan: {
    phase: ScanPhase;
    /** Pages from an older scan that arrive late are dropped by comparing this. */
    runId: number;
    pages: number;
    counts: ScanCounts;
    error: unknown;
  };
  suspects: Suspect[];
  needsReview: ReviewItem[];
  selected: ReadonlySet<string>;
  /** Tasks closed (or gone) since this scan started: a page fetched before the close must not bring them back. */
  left: ReadonlySet<string>;
  /** Latest close outcome of each task still listed (not_stuck, failed). */
  outcomes: ReadonlyMap<string, CloseResult>;
  close: { running: boolean; total: number; done: number };
  /** Every result of the last bulk close, including tasks that have left the list. */
  lastRun: CloseResult[] | null;
}

export type ViewAction =
  | { type: 'scanStarted'; runId: number }
  | { type: 'pageReceived'; runId: number; page: ScanResponse }
  | { type: 'scanEnded'; runId: number; phase: 'done' | 'stopped' }
  | { type: 'scanFailed'; runId: number; error: unknown }
  | { type: 'rowToggled'; taskSid: string }
  /**
   * A select-all box: selects or clears exactly these rows (one group's rows as the filter shows them);
   * every other selection is kept. SIDs no longer listed are ignored.
   */
  | { type: 'allToggled'; taskSids: readonly string[]; selected: boolean }
  | { type: 'closeStarted'; taskSids: readonly string[]; retry: boolean }
  | { type: 'batchClosed'; results: CloseResult[] }
  | { type: 'closeEnded' }
  | { type: 'singleClosed'; result: CloseResult };

export const INITIAL_VIEW_STATE: ViewState = {
  scan: { phase: 'idle', runId: 0, pages: 0, counts: ZERO_SCAN_COUNTS, error: null },
  suspects: [],
  needsReview: [],
  selected: new Set(),
  left: new Set(),
  outcomes: new Map(),
  close: { running: false, total: 0, done: 0 },
  lastRun: null,
};

/** A row can be ticked unless the server already said it is not stuck any more. */
export function isSelectable(state: ViewState, taskSid: string): boolean {
  return state.outcomes.get(taskSid)?.outcome !== 'not_stuck';
}

export function viewReducer(state: ViewState, action: ViewAction): ViewState {
  switch (action.type) {
    case 'scanStarted':
      return {
        ...state,
        scan: { phase: 'running', runId: action.runId, pages: 0, counts: ZERO_SCAN_COUNTS, error: null },
        suspects: [],
        needsReview: [],
        selected: new Set(),
        left: new Set(),
        outcomes: new Map(),
      };
    case 'pageReceived':
      if (action.runId !== state.scan.runId) return state;
      return {
        ...state,
        scan: {
          ...state.scan,
          pages: state.scan.pages + 1,
          counts: addScanCounts(state.scan.counts, action.page.counts),
        },
        suspects: appendNew(state.suspects, action.page.suspects, state.left),
        needsReview: appendNew(state.needsReview, action.page.needsReview, state.left),
      };
    case 'scanEnded':
      if (action.runId !== state.scan.runId) return state;
      return { ...state, scan: { ...state.scan, phase: action.phase } };
    case 'scanFailed':
      if (action.runId !== state.scan.runId) return state;
      return { ...state, scan: { ...state.scan, phase: 'failed', error: action.error } };
    case 'rowToggled': {
      const selected = new Set(state.selected);
      if (selected.has(action.taskSid)) {
        selected.delete(action.taskSid);
      } else if (isSelectable(state, action.taskSid)) {
        selected.add(action.taskSid);
      }
      return { ...state, selected };
    }
    case 'allToggled': {
      const selected = new Set(state.selected);
      if (!action.selected) {
        for (const taskSid of action.taskSids) selected.delete(taskSid);
        return { ...state, selected };
      }
      const listed = new Set(state.suspects.map((suspect) => suspect.taskSid));
      for (const taskSid of action.taskSids) {
        if (listed.has(taskSid) && isSelectable(state, taskSid)) selected.add(taskSid);
      }
      return { ...state, selected };
    }
    case 'closeStarted': {
      // A retry replaces the earlier results of the retried tasks and keeps the others on show.
      const retried = new Set(action.taskSids);
      const kept = action.retry ? (state.lastRun ?? []).filter((result) => !retried.has(result.taskSid)) : [];
      return { ...state, close: { running: true, total: action.taskSids.length, done: 0 }, lastRun: kept };
    }
    case 'batchClosed':
      return {
        ...applyResults(state, action.results),
        close: { ...state.close, done: state.close.done + action.results.length },
        lastRun: [...(state.lastRun ?? []), ...action.results],
      };
    case 'closeEnded':
      return { ...state, close: { ...state.close, running: false } };
    case 'singleClosed':
      return applyResults(state, [action.result]);
  }
}

function applyResults(state: ViewState, results: readonly CloseResult[]): ViewState {
  const gone = new Set<string>();
  const left = new Set(state.left);
  const outcomes = new Map(state.outcomes);
  const selected = new Set(state.selected);
  for (const result of results) {
    if (leavesTheList(result)) {
      gone.add(result.taskSid);
      left.add(result.taskSid);
      outcomes.delete(result.taskSid);
      selected.delete(result.taskSid);
    } else {
      outcomes.set(result.taskSid, result);
      // Failed rows stay ticked so "retry" is one click; rows that are not stuck are let go.
      if (result.outcome === 'not_stuck') selected.delete(result.taskSid);
    }
  }
  return {
    ...state,
    left,
    outcomes,
    selected,
    suspects: gone.size === 0 ? state.suspects : state.suspects.filter((s) => !gone.has(s.taskSid)),
    needsReview: gone.size === 0 ? state.needsReview : state.needsReview.filter((r) => !gone.has(r.taskSid)),
  };
}

/** Pages never overlap by contract, but a task must not appear twice if a server repeats one. */
function appendNew<T extends { taskSid: string }>(
  existing: T[],
  incoming: readonly T[],
  excluded: ReadonlySet<string>,
): T[] {
  if (incoming.length === 0) return existing;
  const known = new Set([...existing.map((item) => item.taskSid), ...excluded]);
  const fresh = incoming.filter((item) => {
    if (known.has(item.taskSid)) return false;
    known.add(item.taskSid);
    return true;
  });
  return fresh.length === 0 ? existing : [...existing, ...fresh];
}
