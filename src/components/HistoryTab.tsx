import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { Label } from '@twilio-paste/core/label';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Option, Select } from '@twilio-paste/core/select';
import { Td, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import type { HistoryEntry } from '@plugin-stuck-tasks/contract';
import { HISTORY_DAYS_DEFAULT, HISTORY_DAYS_MAX, HISTORY_DAYS_MIN } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from '../api/client';
import { exportFileName, historyCsv } from '../model/exports';
import { formatInstant } from '../model/labels';
import { ApiErrorAlert } from './ApiErrorAlert';
import { OutcomeBadge } from './Badges';
import { downloadCsv } from './download';
import { PagedTable } from './PagedTable';
import { usePaged } from './Pager';
import { useTranslate } from './StringsContext';

const DAY_CHOICES = Array.from({ length: HISTORY_DAYS_MAX - HISTORY_DAYS_MIN + 1 }, (_, i) => HISTORY_DAYS_MIN + i);

interface HistoryState {
  days: number;
  entries: HistoryEntry[];
  nextPageToken: string | null;
  loading: boolean;
  error: unknown;
  /** Whether the first page for `days` has answered. */
  loaded: boolean;
}

/**
 * The closures this tool made in the last 1–30 days, newest first, one page at a time ("Load more").
 * Loaded each time the tab is opened (`active` turning true), so a close made in the other tab shows.
 */
export const HistoryTab: React.FC<{ api: StuckTasksApi; active: boolean }> = ({ api, active }) => {
  const t = useTranslate();
  const [state, setState] = React.useState<HistoryState>({
    days: HISTORY_DAYS_DEFAULT,
    entries: [],
    nextPageToken: null,
    loading: false,
    error: null,
    loaded: false,
  });
  const request = React.useRef<AbortController | null>(null);
  React.useEffect(() => () => request.current?.abort(), []);

  const load = React.useCallback(
    (days: number, pageToken: string | null) => {
      request.current?.abort();
      const controller = new AbortController();
      request.current = controller;
      setState((current) => ({
        ...current,
        days,
        loading: true,
        error: null,
        ...(pageToken === null ? { entries: [], nextPageToken: null, loaded: false } : {}),
      }));
      api.history(days, pageToken, controller.signal).then(
        (page) => {
          if (controller.signal.aborted) return;
          setState((current) => ({
            ...current,
            entries: pageToken === null ? page.entries : [...current.entries, ...page.entries],
            nextPageToken: page.nextPageToken,
            loading: false,
            loaded: true,
          }));
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          setState((current) => ({ ...current, loading: false, error }));
        },
      );
    },
    [api],
  );

  const { days } = state;
  React.useEffect(() => {
    if (active) load(days, null);
    // Only opening the tab reloads; a change of days loads from its own handler.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [active, load]);

  const paged = usePaged(state.entries, state.days);
  let statusText = '';
  if (state.loading) statusText = t('StuckTasksHistoryLoading');
  else if (state.loaded && state.entries.length === 0) statusText = t('StuckTasksHistoryEmpty', { days });
  else if (state.loaded)
    statusText = t(state.nextPageToken ? 'StuckTasksHistoryCountMore' : 'StuckTasksHistoryCount', {
      count: state.entries.length,
      days,
    });

  return (
    <Box display="flex" flexDirection="column" rowGap="space60">
      <Box>
        <Heading as="h2" variant="heading30">
          {t('StuckTasksHistoryHeading')}
        </Heading>
        <Paragraph marginBottom="space0">{t('StuckTasksHistoryHelp')}</Paragraph>
      </Box>
      <Box display="flex" flexWrap="wrap" alignItems="flex-end" columnGap="space40" rowGap="space30">
        <Box minWidth="12rem">
          <Label htmlFor="stuck-tasks-history-days">{t('StuckTasksHistoryDays')}</Label>
          <Select
            id="stuck-tasks-history-days"
            value={String(days)}
            onChange={(event) => load(Number(event.target.value), null)}
          >
            {DAY_CHOICES.map((choice) => (
              <Option key={choice} value={String(choice)}>
                {choice === 1 ? t('StuckTasksHistoryDayOption') : t('StuckTasksHistoryDaysOption', { days: choice })}
              </Option>
            ))}
          </Select>
        </Box>
        <Button variant="secondary" onClick={() => load(days, null)} disabled={state.loading}>
          {t('StuckTasksHistoryRefresh')}
        </Button>
        <Button
          variant="secondary"
          disabled={state.entries.length === 0}
          onClick={() => downloadCsv(exportFileName(`history-${days}d`, new Date()), historyCsv(state.entries))}
        >
          {t('StuckTasksExportHistory')}
        </Button>
      </Box>
      <Text as="p" role="status" aria-live="polite">
        {statusText}
      </Text>
      {state.error ? (
        <ApiErrorAlert
          error={state.error}
          onRetry={() => load(days, state.entries.length > 0 ? state.nextPageToken : null)}
        />
      ) : null}
      {state.entries.length > 0 ? (
        <Box>
          <PagedTable
            label={t('StuckTasksHistoryHeading')}
            columns={[
              t('StuckTasksColumnWhen'),
              t('StuckTasksColumnTask'),
              t('StuckTasksColumnOutcome'),
              t('StuckTasksColumnWho'),
              t('StuckTasksColumnQueue'),
              t('StuckTasksColumnChannel'),
            ]}
            paged={paged}
            renderRow={(entry) => <HistoryRow key={`${entry.taskSid}-${entry.closedAt}`} entry={entry} />}
          />
        </Box>
      ) : null}
      {state.nextPageToken !== null && !state.error ? (
        <Box>
          <Button variant="secondary" onClick={() => load(days, state.nextPageToken)} loading={state.loading}>
            {t('StuckTasksHistoryLoadMore')}
          </Button>
        </Box>
      ) : null}
    </Box>
  );
};

const HistoryRow = React.memo(function HistoryRow({ entry }: { entry: HistoryEntry }) {
  const t = useTranslate();
  return (
    <Tr>
      <Td>
        <Text as="span" whiteSpace="nowrap">
          <time dateTime={entry.closedAt}>{formatInstant(entry.closedAt) ?? entry.closedAt}</time>
        </Text>
      </Td>
      <Td>
        <Text as="span" fontFamily="fontFamilyCode" fontSize="fontSize20">
          {entry.taskSid}
        </Text>
      </Td>
      <Td>
        <OutcomeBadge outcome={entry.outcome} />
      </Td>
      <Td>{entry.closedBy ?? t('StuckTasksUnknown')}</Td>
      <Td>{entry.taskQueueName ?? t('StuckTasksNoQueue')}</Td>
      <Td>{entry.taskChannel ?? t('StuckTasksUnknown')}</Td>
    </Tr>
  );
});
