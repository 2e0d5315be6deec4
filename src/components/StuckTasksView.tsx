import * as React from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Stack } from '@twilio-paste/core/stack';
import { Text } from '@twilio-paste/core/text';
import type { CloseResult, Suspect, SuspectKind } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from '../api/client';
import { closeInBatches } from '../api/closeInBatches';
import { describeApiError, isPermissionError } from '../api/describeError';
import { scanAllPages } from '../api/scanAllPages';
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
import type { Translate } from '../strings';
import { BulkCloseDialog } from './BulkCloseDialog';
import { CloseResultsTable } from './CloseResultsTable';
import { NeedsReviewTable } from './NeedsReviewTable';
import { PAGE_SIZE } from './Pager';
import { ProgressBar } from './ProgressBar';
import { StringsProvider, useTranslate } from './StringsContext';
import { SuspectsTable } from './SuspectsTable';
import type { SuspectsTableProps } from './SuspectsTable';
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

const StuckTasksScreen: React.FC<ScreenProps> = ({ api, onCloseSummary }) => {
  const t = useTranslate();
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
  const viewTop = React.useRef<HTMLDivElement>(null);

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
  const sortedCallEnded = React.useMemo(
    () => sortSuspects(groups.call_ended, sorts.call_ended),
    [groups.call_ended, sorts.call_ended],
  );
  const sortedWrapups = React.useMemo(
    () => sortSuspects(groups.wrapup_overdue, sorts.wrapup_overdue),
    [groups.wrapup_overdue, sorts.wrapup_overdue],
  );
  const sortedMessaging = React.useMemo(
    () => sortSuspects(groups.conversation_closed, sorts.conversation_closed),
    [groups.conversation_closed, sorts.conversation_closed],
  );
  // One selection across every group, closed in the order the supervisor sees the rows.
  const selectedSuspects = React.useMemo(
    () =>
      [...sortedCallEnded, ...sortedWrapups, ...sortedMessaging].filter((suspect) =>
        state.selected.has(suspect.taskSid),
      ),
    [sortedCallEnded, sortedWrapups, sortedMessaging, state.selected],
  );
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

  const runClose = React.useCallback(
    async (taskSids: string[], retry: boolean) => {
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
  const onSortCallEnded = React.useCallback((key: SortKey) => changeSort('call_ended', key), [changeSort]);
  const onSortWrapups = React.useCallback((key: SortKey) => changeSort('wrapup_overdue', key), [changeSort]);
  const onSortMessaging = React.useCallback((key: SortKey) => changeSort('conversation_closed', key), [changeSort]);
  const onToggleAllMessaging = React.useCallback(
    (selected: boolean) => dispatch({ type: 'allToggled', kind: 'conversation_closed', selected }),
    [],
  );
  const onToggleRow = React.useCallback((taskSid: string) => dispatch({ type: 'rowToggled', taskSid }), []);
  const onToggleAllCallEnded = React.useCallback(
    (selected: boolean) => dispatch({ type: 'allToggled', kind: 'call_ended', selected }),
    [],
  );
  const onToggleAllWrapups = React.useCallback(
    (selected: boolean) => dispatch({ type: 'allToggled', kind: 'wrapup_overdue', selected }),
    [],
  );
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
  }, []);
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
  const permissionProblem = scan.phase === 'failed' && isPermissionError(scan.error);
  // What both groups' tables share: one selection, one set of outcomes, one side panel.
  const groupProps = {
    selected: state.selected,
    outcomes: state.outcomes,
    onToggleRow,
    onOpenTask,
    disabled: close.running,
  };

  // A flex column, not Paste's Stack: Stack keys its children by position, so a section appearing or
  // leaving would remount everything after it (losing table and panel state).
  return (
    <>
      <Box display="flex" flexDirection="column" rowGap="space60">
        <Box ref={viewTop} tabIndex={-1} _focus={{ outline: 'none' }}>
          <Heading as="h1" variant="heading20">
            {t('StuckTasksViewTitle')}
          </Heading>
          <Paragraph marginBottom="space0">{t('StuckTasksViewIntro')}</Paragraph>
        </Box>

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
        </Box>

        <ScanStatus state={state} blockedAgents={blockedAgents} />

        {scan.phase === 'failed' ? (
          <Alert variant="error">
            <Text as="p" fontWeight="fontWeightSemibold">
              {t(permissionProblem ? 'StuckTasksNotPermittedHeading' : 'StuckTasksErrorHeading')}
            </Text>
            <Text as="p">{describeApiError(scan.error, t)}</Text>
            <Box marginTop="space30">
              <Button variant="secondary" size="small" onClick={startScan}>
                {t('StuckTasksTryAgain')}
              </Button>
            </Box>
          </Alert>
        ) : null}

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
          onRetry={() => void runClose(retryableSids, true)}
        />

        {groups.call_ended.length > 0 ? (
          <SuspectGroup
            id="stuck-tasks"
            heading={t('StuckTasksSuspectsHeading')}
            help={`${t('StuckTasksCallEndedHelp')} ${t('StuckTasksSuspectsHelp')}`}
            selectedText={t('StuckTasksSelectedCount', {
              selected: selectedKinds.call_ended,
              total: groups.call_ended.length,
            })}
            selectAllLabel={t('StuckTasksSelectAll')}
            suspects={sortedCallEnded}
            sort={sorts.call_ended}
            onSortChange={onSortCallEnded}
            onToggleAll={onToggleAllCallEnded}
            {...groupProps}
          />
        ) : null}

        {groups.wrapup_overdue.length > 0 ? (
          <SuspectGroup
            id="stuck-tasks-wrapup"
            heading={t('StuckTasksWrapupHeading')}
            help={t('StuckTasksWrapupHelp')}
            selectedText={t('StuckTasksWrapupSelectedCount', {
              selected: selectedKinds.wrapup_overdue,
              total: groups.wrapup_overdue.length,
            })}
            selectAllLabel={t('StuckTasksSelectAllWrapups')}
            suspects={sortedWrapups}
            sort={sorts.wrapup_overdue}
            onSortChange={onSortWrapups}
            onToggleAll={onToggleAllWrapups}
            {...groupProps}
          />
        ) : null}

        {groups.conversation_closed.length > 0 ? (
          <SuspectGroup
            id="stuck-tasks-messaging"
            heading={t('StuckTasksMessagingHeading')}
            help={t('StuckTasksMessagingHelp')}
            selectedText={t('StuckTasksMessagingSelectedCount', {
              selected: selectedKinds.conversation_closed,
              total: groups.conversation_closed.length,
            })}
            selectAllLabel={t('StuckTasksSelectAllMessaging')}
            suspects={sortedMessaging}
            sort={sorts.conversation_closed}
            onSortChange={onSortMessaging}
            onToggleAll={onToggleAllMessaging}
            {...groupProps}
          />
        ) : null}

        {state.needsReview.length > 0 ? (
          <Box as="section" aria-labelledby="stuck-tasks-review-heading">
            <Heading as="h2" variant="heading30" id="stuck-tasks-review-heading">
              {t('StuckTasksNeedsReviewHeading')} ({state.needsReview.length.toLocaleString()})
            </Heading>
            <Paragraph>{t('StuckTasksNeedsReviewHelp')}</Paragraph>
            <NeedsReviewTable items={state.needsReview} onOpenTask={onOpenTask} />
          </Box>
        ) : null}

        {state.lastRun && state.lastRun.length > 0 ? (
          <Box as="section" aria-labelledby="stuck-tasks-results-heading">
            <Heading as="h2" variant="heading30" id="stuck-tasks-results-heading">
              {t('StuckTasksResultsHeading')}
            </Heading>
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

/** One group of suspects (call ended, overdue wrap-ups): its heading, what it is, its selection count and its table. */
type SuspectGroupProps = Omit<SuspectsTableProps, 'label' | 'idPrefix'> & {
  /** The section's id prefix, also keeping the table's checkbox ids apart. */
  id: string;
  heading: string;
  help: string;
  selectedText: string;
};

const SuspectGroup: React.FC<SuspectGroupProps> = ({ id, heading, help, selectedText, ...table }) => {
  const t = useTranslate();
  const headingId = `${id}-heading`;
  return (
    <Box as="section" aria-labelledby={headingId}>
      <Heading as="h2" variant="heading30" id={headingId}>
        {heading} ({table.suspects.length.toLocaleString()})
      </Heading>
      <Box display="flex" flexWrap="wrap" justifyContent="space-between" columnGap="space40" marginBottom="space40">
        <Text as="p">
          {help} {table.suspects.length > PAGE_SIZE ? t('StuckTasksSelectAllHelp') : null}
        </Text>
        <Text as="p" aria-live="polite" fontWeight="fontWeightSemibold">
          {selectedText}
        </Text>
      </Box>
      <SuspectsTable label={heading} idPrefix={id} {...table} />
    </Box>
  );
};

const ScanStatus: React.FC<{ state: typeof INITIAL_VIEW_STATE; blockedAgents: number }> = ({
  state,
  blockedAgents,
}) => {
  const t = useTranslate();
  const { phase, pages, counts } = state.scan;
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
};

const Count: React.FC<{ label: string; value: number }> = ({ label, value }) => (
  <Box display="flex" flexDirection="column-reverse">
    <Text as="dt" color="colorTextWeak" fontSize="fontSize20">
      {label}
    </Text>
    <Text as="dd" fontSize="fontSize60" fontWeight="fontWeightBold" marginLeft="space0">
      {value.toLocaleString()}
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

const CloseStatus: React.FC<CloseStatusProps> = ({ running, done, total, summary, retryableCount, onRetry }) => {
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
};
