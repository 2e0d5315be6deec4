import * as React from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Stack } from '@twilio-paste/core/stack';
import { Tab, TabList, TabPanel, TabPanels, Tabs, useTabState } from '@twilio-paste/core/tabs';
import { Text } from '@twilio-paste/core/text';
import type { CloseResult, ReviewItem, Suspect, SuspectKind } from '@plugin-stuck-tasks/contract';
import { SUSPECT_KINDS } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from '../api/client';
import { closeInBatches } from '../api/closeInBatches';
import { describeApiError } from '../api/describeError';
import { scanAllPages } from '../api/scanAllPages';
import { exportFileName, needsReviewCsv, outcomesCsv, suspectsCsv } from '../model/exports';
import type { TaskFilter } from '../model/filters';
import { countHiddenSelected, EMPTY_FILTER, filterOptions, filterTasks, isFilterActive } from '../model/filters';
import type { OutcomeSummary, SortKey, SortOrder } from '../model/suspects';
import {
  countActions,
  countBlockedAgents,
  countKinds,
  DEFAULT_SORT,
  sortSuspects,
  summariseOutcomes,
  suspectKind,
} from '../model/suspects';
import { INITIAL_VIEW_STATE, viewReducer } from '../model/viewState';
import type { ViewState } from '../model/viewState';
import { formatNumber } from '../strings';
import type { StringKey, Translate } from '../strings';
import { ApiErrorAlert } from './ApiErrorAlert';
import { BulkCloseDialog } from './BulkCloseDialog';
import { CloseResultsTable } from './CloseResultsTable';
import { downloadCsv } from './download';
import { FilterBar } from './FilterBar';
import { HistoryTab } from './HistoryTab';
import { NeedsReviewTable } from './NeedsReviewTable';
import { OrphanConversationsSection } from './OrphanConversationsSection';
import { OutageOverview } from './OutageOverview';
import { PAGE_SIZE } from './Pager';
import { ProgressBar } from './ProgressBar';
import { StringsProvider, useTranslate } from './StringsContext';
import { SuspectsTable } from './SuspectsTable';
import { TaskPanel } from './TaskPanel';

export interface StuckTasksViewProps {
  /** Null when no service URL is configured. */
  api: StuckTasksApi | null;
  t: Translate;
  /** Told after every close (bulk or single) so the host can show a summary notification. */
  onCloseSummary: (summary: OutcomeSummary) => void;
  configProblems?: readonly string[];
}

export const StuckTasksView: React.FC<StuckTasksViewProps> = ({ api, t, onCloseSummary, configProblems = [] }) => (
  <StringsProvider value={t}>
    <Box padding="space70" height="100%" overflowY="auto" backgroundColor="colorBackgroundBody">
      {api ? (
        <StuckTasksScreen api={api} onCloseSummary={onCloseSummary} />
      ) : (
        <NotConfigured problems={configProblems} />
      )}
    </Box>
  </StringsProvider>
);

const NotConfigured: React.FC<{ problems: readonly string[] }> = ({ problems }) => {
  const t = useTranslate();
  return (
    <Stack orientation="vertical" spacing="space50">
      <Heading as="h1" variant="heading20">
        {t('StuckTasksViewTitle')}
      </Heading>
      <Alert variant="warning">
        <Text as="p" fontWeight="fontWeightSemibold">
          {t('StuckTasksNotConfiguredHeading')}
        </Text>
        <Text as="p">{t('StuckTasksNotConfiguredBody')}</Text>
        {problems.map((problem) => (
          <Text as="p" key={problem}>
            {problem}
          </Text>
        ))}
      </Alert>
    </Stack>
  );
};

interface ScreenProps {
  api: StuckTasksApi;
  onCloseSummary: (summary: OutcomeSummary) => void;
}

const CURRENT_TAB = 'stuck-tasks-tab-current';
const HISTORY_TAB = 'stuck-tasks-tab-history';

/** Two tabs: the stuck tasks found now, and the history of closures. Both stay mounted (hidden, not unmounted). */
const StuckTasksScreen: React.FC<ScreenProps> = ({ api, onCloseSummary }) => {
  const t = useTranslate();
  const tabs = useTabState({ baseId: 'stuck-tasks-tabs', selectedId: CURRENT_TAB });
  const viewTop = React.useRef<HTMLDivElement>(null);
  return (
    <>
      <Box ref={viewTop} tabIndex={-1} _focus={{ outline: 'none' }} marginBottom="space50">
        <Heading as="h1" variant="heading20">
          {t('StuckTasksViewTitle')}
        </Heading>
        <Paragraph marginBottom="space0">{t('StuckTasksViewIntro')}</Paragraph>
      </Box>
      <Tabs state={tabs}>
        <TabList aria-label={t('StuckTasksTabsLabel')}>
          <Tab id={CURRENT_TAB}>{t('StuckTasksTabCurrent')}</Tab>
          <Tab id={HISTORY_TAB}>{t('StuckTasksTabHistory')}</Tab>
        </TabList>
        <TabPanels>
          <TabPanel>
            <Box paddingTop="space60">
              <CurrentTab api={api} onCloseSummary={onCloseSummary} viewTop={viewTop} />
            </Box>
          </TabPanel>
          <TabPanel>
            <Box paddingTop="space60">
              <HistoryTab api={api} active={tabs.selectedId === HISTORY_TAB} />
            </Box>
          </TabPanel>
        </TabPanels>
      </Tabs>
    </>
  );
};

const CurrentTab: React.FC<ScreenProps & { viewTop: React.RefObject<HTMLDivElement> }> = ({
  api,
  onCloseSummary,
  viewTop,
}) => {
  const t = useTranslate();
  const [filter, setFilter] = React.useState<TaskFilter>(EMPTY_FILTER);
  const [state, dispatch] = React.useReducer(viewReducer, INITIAL_VIEW_STATE);
  // Each group sorts on its own: sorting the wrap-ups must not reshuffle the list above them.
  const [sorts, setSorts] = React.useState<Record<SuspectKind, SortOrder>>({
    call_ended: DEFAULT_SORT,
    wrapup_overdue: DEFAULT_SORT,
    conversation_closed: DEFAULT_SORT,
  });
  const [panelTaskSid, setPanelTaskSid] = React.useState<string | null>(null);
  const [confirmingBulk, setConfirmingBulk] = React.useState(false);
  const scanController = React.useRef<AbortController | null>(null);
  const runCounter = React.useRef(0);
  const mounted = React.useRef(true);
  const focusAfterPanel = React.useRef<HTMLElement | null>(null);

  const safeDispatch: typeof dispatch = React.useCallback((action) => {
    if (mounted.current) dispatch(action);
  }, []);

  const startScan = React.useCallback(() => {
    scanController.current?.abort();
    const controller = new AbortController();
    scanController.current = controller;
    runCounter.current += 1;
    const runId = runCounter.current;
    safeDispatch({ type: 'scanStarted', runId });
    scanAllPages(api, (page) => safeDispatch({ type: 'pageReceived', runId, page }), controller.signal).then(
      (phase) => safeDispatch({ type: 'scanEnded', runId, phase }),
      (error: unknown) => safeDispatch({ type: 'scanFailed', runId, error }),
    );
  }, [api, safeDispatch]);

  const stopScan = React.useCallback(() => scanController.current?.abort(), []);

  React.useEffect(() => {
    mounted.current = true;
    startScan();
    return () => {
      mounted.current = false;
      scanController.current?.abort();
    };
  }, [startScan]);

  const groups = React.useMemo(() => {
    const byKind: Record<SuspectKind, Suspect[]> = { call_ended: [], wrapup_overdue: [], conversation_closed: [] };
    for (const suspect of state.suspects) byKind[suspectKind(suspect)].push(suspect);
    return byKind;
  }, [state.suspects]);
  const filtered = isFilterActive(filter);
  // Sorted once per scan and sort order, then filtered (which keeps the order): a filter change walks
  // the lists once instead of sorting them again. Per kind, so sorting one group leaves the others be.
  const allSorted = useMemoByKind(
    (kind) => sortSuspects(groups[kind], sorts[kind]),
    (kind) => [groups[kind], sorts[kind]],
  );
  const shownByKind = useMemoByKind(
    (kind) => filterTasks(allSorted[kind], filter),
    (kind) => [allSorted[kind], filter],
  );
  const shownReview = React.useMemo(() => filterTasks(state.needsReview, filter), [state.needsReview, filter]);
  const shownSuspects = React.useMemo(() => SUSPECT_KINDS.flatMap((kind) => shownByKind[kind]), [shownByKind]);
  const options = React.useMemo(
    () => filterOptions([...state.suspects, ...state.needsReview]),
    [state.suspects, state.needsReview],
  );
  const hiddenSelected = React.useMemo(
    () => (filtered ? countHiddenSelected(state.selected, shownSuspects) : 0),
    [filtered, state.selected, shownSuspects],
  );
  // What the scan said about every task, kept for the outcome export after closed tasks leave the list.
  const scannedTasks = React.useRef(new Map<string, Suspect | ReviewItem>());
  // One selection across every group, closed in the order the supervisor sees the rows.
  // Rows the filter hides stay selected and are closed too (the dialog says how many), after the shown ones.
  const selectedSuspects = React.useMemo(() => {
    const shown = shownSuspects.filter((suspect) => state.selected.has(suspect.taskSid));
    if (shown.length === state.selected.size) return shown;
    const shownSids = new Set(shown.map((suspect) => suspect.taskSid));
    const hidden = state.suspects.filter(
      (suspect) => state.selected.has(suspect.taskSid) && !shownSids.has(suspect.taskSid),
    );
    return [...shown, ...hidden];
  }, [shownSuspects, state.suspects, state.selected]);
  const actionCounts = React.useMemo(() => countActions(selectedSuspects), [selectedSuspects]);
  const selectedKinds = React.useMemo(() => countKinds(selectedSuspects), [selectedSuspects]);
  const blockedAgents = React.useMemo(() => countBlockedAgents(state.suspects), [state.suspects]);
  const lastSummary = React.useMemo(() => (state.lastRun ? summariseOutcomes(state.lastRun) : null), [state.lastRun]);
  const retryableSids = React.useMemo(() => {
    const listed = new Set(state.suspects.map((suspect) => suspect.taskSid));
    return (state.lastRun ?? [])
      .filter((result) => result.outcome === 'failed' && listed.has(result.taskSid))
      .map((result) => result.taskSid);
  }, [state.lastRun, state.suspects]);

  const listedNow = React.useRef(state);
  listedNow.current = state;
  const runClose = React.useCallback(
    async (taskSids: string[], retry: boolean) => {
      if (!retry) scannedTasks.current = new Map();
      for (const task of [...listedNow.current.suspects, ...listedNow.current.needsReview]) {
        scannedTasks.current.set(task.taskSid, task);
      }
      safeDispatch({ type: 'closeStarted', taskSids, retry });
      const results = await closeInBatches(api, taskSids, {
        onBatch: (batch) => safeDispatch({ type: 'batchClosed', results: batch }),
        describeError: (error) => describeApiError(error, t),
        missingResultMessage: t('StuckTasksMissingResult'),
      });
      safeDispatch({ type: 'closeEnded' });
      onCloseSummary(summariseOutcomes(results));
    },
    [api, onCloseSummary, safeDispatch, t],
  );

  const retryFailed = React.useCallback(() => void runClose(retryableSids, true), [runClose, retryableSids]);
  const confirmBulkClose = () => {
    setConfirmingBulk(false);
    void runClose(
      selectedSuspects.map((suspect) => suspect.taskSid),
      false,
    );
  };

  const changeSort = React.useCallback((kind: SuspectKind, key: SortKey) => {
    setSorts((current) => ({ ...current, [kind]: nextSort(current[kind], key) }));
  }, []);
  const onToggleRow = React.useCallback((taskSid: string) => dispatch({ type: 'rowToggled', taskSid }), []);
  const onToggleRows = React.useCallback(
    (taskSids: readonly string[], selected: boolean) => dispatch({ type: 'allToggled', taskSids, selected }),
    [],
  );
  const exportSuspects = () => downloadCsv(exportFileName('suspects', new Date()), suspectsCsv(shownSuspects));
  const exportNeedsReview = () => downloadCsv(exportFileName('needs-review', new Date()), needsReviewCsv(shownReview));
  const exportResults = () =>
    downloadCsv(exportFileName('close-results', new Date()), outcomesCsv(state.lastRun ?? [], scannedTasks.current));
  const resultText = filtered
    ? t('StuckTasksFilterResult', {
        suspects: shownSuspects.length,
        suspectsTotal: state.suspects.length,
        review: shownReview.length,
        reviewTotal: state.needsReview.length,
      })
    : t('StuckTasksFilterResultAll', { suspects: state.suspects.length, review: state.needsReview.length });
  const onOpenTask = React.useCallback((taskSid: string) => {
    if (document.activeElement instanceof HTMLElement) focusAfterPanel.current = document.activeElement;
    setPanelTaskSid(taskSid);
  }, []);
  const onPanelDismiss = React.useCallback(() => {
    setPanelTaskSid(null);
    // Back to the row the review was opened from, or to the top of the view if that row has left.
    const previous = focusAfterPanel.current;
    if (previous && document.contains(previous)) previous.focus();
    else viewTop.current?.focus();
  }, [viewTop]);
  const onSingleClosed = React.useCallback(
    (result: CloseResult) => {
      dispatch({ type: 'singleClosed', result });
      onCloseSummary(summariseOutcomes([result]));
    },
    [onCloseSummary],
  );

  const { scan, close } = state;
  const scanning = scan.phase === 'running';
  const nothingFound = state.suspects.length === 0 && state.needsReview.length === 0;
  // A flex column, not Paste's Stack: Stack keys its children by position, so a section appearing or
  // leaving would remount everything after it (losing table and panel state).
  return (
    <>
      <Box display="flex" flexDirection="column" rowGap="space60">
        <Box display="flex" flexWrap="wrap" columnGap="space40" rowGap="space30" alignItems="center">
          {scanning ? (
            <Button variant="secondary" onClick={stopScan}>
              {t('StuckTasksStopScan')}
            </Button>
          ) : (
            <Button variant="secondary" onClick={startScan} disabled={close.running}>
              {t('StuckTasksScanAgain')}
            </Button>
          )}
          <Button
            variant="destructive"
            onClick={() => {
              // The review panel would sit above the confirmation; a bulk decision is about the list.
              setPanelTaskSid(null);
              setConfirmingBulk(true);
            }}
            disabled={close.running || state.selected.size === 0}
          >
            {t('StuckTasksCloseSelected', { count: state.selected.size })}
          </Button>
          {groups.wrapup_overdue.length > 0 && state.selected.size > 0 ? (
            // The close button acts on both groups at once; with two select-all boxes on the page, say so.
            <Text as="p" aria-live="polite">
              {t('StuckTasksSelectionAcrossGroups', {
                selected: state.selected.size,
                callEnded: selectedKinds.call_ended,
                wrapupOverdue: selectedKinds.wrapup_overdue,
              })}
            </Text>
          ) : null}
          {hiddenSelected > 0 ? (
            <Text as="p" aria-live="polite" fontWeight="fontWeightSemibold">
              {t('StuckTasksSelectedHidden', { hidden: hiddenSelected })}
            </Text>
          ) : null}
        </Box>

        <ScanStatus scan={state.scan} blockedAgents={blockedAgents} />

        {!nothingFound ? (
          <>
            <FilterBar filter={filter} onChange={setFilter} options={options} resultText={resultText} />
            <Box display="flex" flexWrap="wrap" columnGap="space40" rowGap="space30">
              <Button variant="secondary" size="small" onClick={exportSuspects} disabled={shownSuspects.length === 0}>
                {t('StuckTasksExportSuspects')}
              </Button>
              <Button variant="secondary" size="small" onClick={exportNeedsReview} disabled={shownReview.length === 0}>
                {t('StuckTasksExportNeedsReview')}
              </Button>
            </Box>
            <OutageOverview suspects={shownSuspects} />
          </>
        ) : null}

        {scan.phase === 'failed' ? <ApiErrorAlert error={scan.error} onRetry={startScan} /> : null}

        {(scan.phase === 'done' || scan.phase === 'stopped') && nothingFound ? (
          <Box
            borderStyle="solid"
            borderWidth="borderWidth10"
            borderColor="colorBorderWeak"
            borderRadius="borderRadius30"
            padding="space70"
          >
            <Heading as="h2" variant="heading40">
              {t('StuckTasksEmptyHeading')}
            </Heading>
            <Paragraph marginBottom="space0">{t('StuckTasksEmptyBody')}</Paragraph>
          </Box>
        ) : null}

        <CloseStatus
          running={close.running}
          done={close.done}
          total={close.total}
          summary={close.running ? null : lastSummary}
          retryableCount={retryableSids.length}
          onRetry={retryFailed}
        />

        {SUSPECT_GROUPS.map((group) =>
          groups[group.kind].length > 0 ? (
            <SuspectGroup
              key={group.kind}
              group={group}
              total={groups[group.kind].length}
              filtered={filtered}
              suspects={shownByKind[group.kind]}
              selected={state.selected}
              outcomes={state.outcomes}
              sort={sorts[group.kind]}
              onSortChange={changeSort}
              onToggleRow={onToggleRow}
              onToggleRows={onToggleRows}
              onOpenTask={onOpenTask}
              disabled={close.running}
            />
          ) : null,
        )}

        {state.needsReview.length > 0 ? (
          <Box as="section" aria-labelledby="stuck-tasks-review-heading">
            <Heading as="h2" variant="heading30" id="stuck-tasks-review-heading">
              {t('StuckTasksNeedsReviewHeading')} (
              {countText(shownReview.length, state.needsReview.length, filtered, t)})
            </Heading>
            <Paragraph>{t('StuckTasksNeedsReviewHelp')}</Paragraph>
            <NeedsReviewTable items={shownReview} onOpenTask={onOpenTask} />
          </Box>
        ) : null}

        <OrphanConversationsSection
          api={api}
          loadKey={scan.phase === 'done' || scan.phase === 'stopped' ? scan.runId : null}
        />

        {state.lastRun && state.lastRun.length > 0 ? (
          <Box as="section" aria-labelledby="stuck-tasks-results-heading">
            <Heading as="h2" variant="heading30" id="stuck-tasks-results-heading">
              {t('StuckTasksResultsHeading')}
            </Heading>
            <Box marginBottom="space40">
              <Button variant="secondary" size="small" onClick={exportResults} disabled={close.running}>
                {t('StuckTasksExportResults')}
              </Button>
            </Box>
            <CloseResultsTable results={state.lastRun} />
          </Box>
        ) : null}
      </Box>
      {panelTaskSid ? (
        <TaskPanel taskSid={panelTaskSid} api={api} onDismiss={onPanelDismiss} onClosed={onSingleClosed} />
      ) : null}
      <BulkCloseDialog
        isOpen={confirmingBulk}
        counts={actionCounts}
        wrapupOverdue={selectedKinds.wrapup_overdue}
        hidden={hiddenSelected}
        onConfirm={confirmBulkClose}
        onDismiss={() => setConfirmingBulk(false)}
      />
    </>
  );
};

function nextSort(current: SortOrder, key: SortKey): SortOrder {
  return current.key === key
    ? { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
    : { key, direction: 'ascending' };
}

/** What sets one group of suspects apart from the others on the page: its kind, ids and words. */
interface SuspectGroupSpec {
  kind: SuspectKind;
  /** The section's id prefix, also keeping the table's checkbox ids apart. */
  id: string;
  heading: StringKey;
  /** Sentences saying what the group holds, in order. */
  help: readonly StringKey[];
  /** "{{selected}} of {{total}} … selected". */
  selectedCount: StringKey;
  selectAll: StringKey;
  /** The select-all box's name under a filter ("Select all {{count}} shown …"). */
  selectAllShown: StringKey;
}

/** The suspect groups in the order the page shows them. */
const SUSPECT_GROUPS: readonly SuspectGroupSpec[] = [
  {
    kind: 'call_ended',
    id: 'stuck-tasks',
    heading: 'StuckTasksSuspectsHeading',
    help: ['StuckTasksCallEndedHelp', 'StuckTasksSuspectsHelp'],
    selectedCount: 'StuckTasksSelectedCount',
    selectAll: 'StuckTasksSelectAll',
    selectAllShown: 'StuckTasksSelectAllShown',
  },
  {
    kind: 'wrapup_overdue',
    id: 'stuck-tasks-wrapup',
    heading: 'StuckTasksWrapupHeading',
    help: ['StuckTasksWrapupHelp'],
    selectedCount: 'StuckTasksWrapupSelectedCount',
    selectAll: 'StuckTasksSelectAllWrapups',
    selectAllShown: 'StuckTasksSelectAllShownWrapups',
  },
  {
    kind: 'conversation_closed',
    id: 'stuck-tasks-messaging',
    heading: 'StuckTasksMessagingHeading',
    help: ['StuckTasksMessagingHelp'],
    selectedCount: 'StuckTasksMessagingSelectedCount',
    selectAll: 'StuckTasksSelectAllMessaging',
    selectAllShown: 'StuckTasksSelectAllShownMessaging',
  },
];

/**
 * One value per suspect kind, each computed again only when its own inputs changed (compared item by
 * item, like a hook's dependencies); the record itself stays the same object while none did.
 */
function useMemoByKind<T>(
  compute: (kind: SuspectKind) => T,
  inputsOf: (kind: SuspectKind) => readonly unknown[],
): Record<SuspectKind, T> {
  const cache = React.useRef<{ inputs: Record<SuspectKind, readonly unknown[]>; values: Record<SuspectKind, T> }>();
  const previous = cache.current;
  const inputs = {} as Record<SuspectKind, readonly unknown[]>;
  const values = {} as Record<SuspectKind, T>;
  let changed = previous === undefined;
  for (const kind of SUSPECT_KINDS) {
    inputs[kind] = inputsOf(kind);
    if (previous && sameInputs(previous.inputs[kind], inputs[kind])) {
      values[kind] = previous.values[kind];
    } else {
      values[kind] = compute(kind);
      changed = true;
    }
  }
  if (changed) cache.current = { inputs, values };
  return (cache.current as NonNullable<typeof cache.current>).values;
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}

interface SuspectGroupProps {
  group: SuspectGroupSpec;
  /** The group's rows as the filter shows them, sorted. */
  suspects: readonly Suspect[];
  /** Rows in the group before the filter. */
  total: number;
  filtered: boolean;
  /** The selection across every group. */
  selected: ReadonlySet<string>;
  outcomes: ReadonlyMap<string, CloseResult>;
  sort: SortOrder;
  onSortChange: (kind: SuspectKind, key: SortKey) => void;
  onToggleRow: (taskSid: string) => void;
  /** Selects or clears exactly these rows, keeping every other selection. */
  onToggleRows: (taskSids: readonly string[], selected: boolean) => void;
  onOpenTask: (taskSid: string) => void;
  disabled: boolean;
}

function countSelected(selected: ReadonlySet<string>, shown: readonly Suspect[]): number {
  let count = 0;
  for (const suspect of shown) if (selected.has(suspect.taskSid)) count += 1;
  return count;
}

/** "120", or "37 of 120 shown" under a filter. */
function countText(shown: number, total: number, filtered: boolean, t: Translate): string {
  return filtered ? t('StuckTasksShownOfTotal', { shown, total }) : formatNumber(total);
}

/** One group of suspects: its heading, what it is, its selection count and its table. */
const SuspectGroup = React.memo(function SuspectGroup({
  group,
  suspects,
  total,
  filtered,
  sort,
  onSortChange,
  onToggleRows,
  ...table
}: SuspectGroupProps) {
  const t = useTranslate();
  const { kind, id } = group;
  const headingId = `${id}-heading`;
  const heading = t(group.heading);
  const onSort = React.useCallback((key: SortKey) => onSortChange(kind, key), [onSortChange, kind]);
  // Select-all covers the rows of its group that the filter shows, on every page.
  const onToggleAll = React.useCallback(
    (select: boolean) =>
      onToggleRows(
        suspects.map((suspect) => suspect.taskSid),
        select,
      ),
    [onToggleRows, suspects],
  );
  return (
    <Box as="section" aria-labelledby={headingId}>
      <Heading as="h2" variant="heading30" id={headingId}>
        {heading} ({countText(suspects.length, total, filtered, t)})
      </Heading>
      <Box display="flex" flexWrap="wrap" justifyContent="space-between" columnGap="space40" marginBottom="space40">
        <Text as="p">
          {group.help.map((key) => t(key)).join(' ')}{' '}
          {suspects.length > PAGE_SIZE ? t('StuckTasksSelectAllHelp') : null}{' '}
          {filtered ? t('StuckTasksSelectAllFilterHelp') : null}
        </Text>
        <Text as="p" aria-live="polite" fontWeight="fontWeightSemibold">
          {t(group.selectedCount, { selected: countSelected(table.selected, suspects), total: suspects.length })}
        </Text>
      </Box>
      <SuspectsTable
        label={heading}
        idPrefix={id}
        selectAllLabel={filtered ? t(group.selectAllShown, { count: suspects.length }) : t(group.selectAll)}
        suspects={suspects}
        sort={sort}
        onSortChange={onSort}
        onToggleAll={onToggleAll}
        {...table}
      />
    </Box>
  );
});

// Memoised, as is CloseStatus: a selection or filter change re-renders the view around them.
const ScanStatus = React.memo(function ScanStatus({
  scan,
  blockedAgents,
}: {
  scan: ViewState['scan'];
  blockedAgents: number;
}) {
  const t = useTranslate();
  const { phase, pages, counts } = scan;
  const wrapupOverdue = counts.wrapupOverdue ?? 0;
  // The server's `stuck` counts suspects of every kind.
  const callEnded = counts.stuck - wrapupOverdue;
  let sentence = '';
  if (phase === 'running') {
    sentence = pages === 0 ? t('StuckTasksLoading') : t('StuckTasksScanning', { pages: pages + 1 });
  } else if (phase === 'done') {
    // "Stuck" means the call-ended group everywhere on the page, as in its heading; wrap-ups are counted apart.
    sentence = wrapupOverdue
      ? t('StuckTasksScanFinishedWithWrapups', { ...counts, stuck: callEnded, wrapupOverdue })
      : t('StuckTasksScanFinished', { ...counts, stuck: callEnded });
  } else if (phase === 'stopped') {
    sentence = t('StuckTasksScanStopped', { pages });
  }
  return (
    <Box>
      {phase === 'running' ? <ProgressBar label={t('StuckTasksScanProgressLabel')} valueText={sentence} /> : null}
      <Text as="p" marginTop="space30" aria-live="polite" role="status">
        {sentence}
      </Text>
      <Box
        as="dl"
        display="flex"
        flexWrap="wrap"
        columnGap="space90"
        rowGap="space30"
        marginTop="space30"
        marginBottom="space0"
      >
        <Count label={t('StuckTasksCountScanned')} value={counts.scanned} />
        <Count label={t('StuckTasksCountStuck')} value={callEnded} />
        <Count label={t('StuckTasksCountWrapupOverdue')} value={wrapupOverdue} />
        <Count label={t('StuckTasksCountNeedsReview')} value={counts.needsReview} />
        {/* From the listed suspects, not the scan's counts: it goes down as their tasks are closed. */}
        <Count label={t('StuckTasksCountBlockedAgents')} value={blockedAgents} />
      </Box>
    </Box>
  );
});

const Count: React.FC<{ label: string; value: number }> = ({ label, value }) => (
  <Box display="flex" flexDirection="column-reverse">
    <Text as="dt" color="colorTextWeak" fontSize="fontSize20">
      {label}
    </Text>
    <Text as="dd" fontSize="fontSize60" fontWeight="fontWeightBold" marginLeft="space0">
      {formatNumber(value)}
    </Text>
  </Box>
);

interface CloseStatusProps {
  running: boolean;
  done: number;
  total: number;
  summary: OutcomeSummary | null;
  retryableCount: number;
  onRetry: () => void;
}

const CloseStatus = React.memo(function CloseStatus({
  running,
  done,
  total,
  summary,
  retryableCount,
  onRetry,
}: CloseStatusProps) {
  const t = useTranslate();
  const progressText = t('StuckTasksClosing', { done, total });
  return (
    <Box aria-live="polite">
      {running ? (
        <Box>
          <ProgressBar label={t('StuckTasksCloseProgressLabel')} value={done} max={total} valueText={progressText} />
          <Text as="p" marginTop="space30">
            {progressText}
          </Text>
        </Box>
      ) : null}
      {summary && summary.total > 0 ? (
        <Alert variant={summary.failed > 0 ? 'warning' : 'neutral'}>
          <Text as="p">{t('StuckTasksCloseSummary', { ...summary })}</Text>
          {retryableCount > 0 ? (
            <Box marginTop="space30">
              <Button variant="secondary" size="small" onClick={onRetry}>
                {t('StuckTasksRetryFailed', { count: retryableCount })}
              </Button>
            </Box>
          ) : null}
        </Alert>
      ) : null}
    </Box>
  );
});
