import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Checkbox } from '@twilio-paste/core/checkbox';
import { ScreenReaderOnly } from '@twilio-paste/core/screen-reader-only';
import { Table, TBody, Th, THead, Tr } from '@twilio-paste/core/table';
import { ArrowDownIcon } from '@twilio-paste/icons/cjs/ArrowDownIcon';
import { ArrowUpIcon } from '@twilio-paste/icons/cjs/ArrowUpIcon';
import type { CloseResult, Suspect } from '@plugin-stuck-tasks/contract';
import type { SortKey, SortOrder } from '../model/suspects';
import { callStatusLabel, formatAgo, formatDuration } from '../model/labels';
import type { StringKey } from '../strings';
import { ActionBadge, OutcomeBadge } from './Badges';
import { useTranslate } from './StringsContext';
import { Pager, usePaged } from './Pager';
import { offscreenSkipped, plain, PlainRowStyles, RowCheckbox } from './PlainRows';
import { TaskIdentityCells } from './TaskIdentityCells';

export interface SuspectsTableProps {
  /** The table's accessible name, also naming its pager. */
  label: string;
  /** The accessible name of the select-all box: it selects this table's rows only. */
  selectAllLabel: string;
  /** Makes the checkbox ids unique when several tables are on the view. */
  idPrefix: string;
  /** Already sorted. */
  suspects: readonly Suspect[];
  /** The selection across every table; this table shows and counts its own rows of it. */
  selected: ReadonlySet<string>;
  outcomes: ReadonlyMap<string, CloseResult>;
  sort: SortOrder;
  onSortChange: (key: SortKey) => void;
  onToggleRow: (taskSid: string) => void;
  onToggleAll: (selected: boolean) => void;
  onOpenTask: (taskSid: string) => void;
  disabled: boolean;
}

const COLUMNS: { key: SortKey; label: StringKey }[] = [
  { key: 'taskSid', label: 'StuckTasksColumnTask' },
  { key: 'assignmentStatus', label: 'StuckTasksColumnStatus' },
  { key: 'agent', label: 'StuckTasksColumnAgent' },
  { key: 'taskQueueName', label: 'StuckTasksColumnQueue' },
  { key: 'age', label: 'StuckTasksColumnAge' },
  { key: 'callStatus', label: 'StuckTasksColumnCallStatus' },
  { key: 'ended', label: 'StuckTasksColumnEnded' },
  { key: 'action', label: 'StuckTasksColumnAction' },
];

/** Memoised so that dialogs, the side panel and progress updates do not walk thousands of rows. */
export const SuspectsTable = React.memo(function SuspectsTable({
  label,
  selectAllLabel,
  idPrefix,
  suspects,
  selected,
  outcomes,
  sort,
  onSortChange,
  onToggleRow,
  onToggleAll,
  onOpenTask,
  disabled,
}: SuspectsTableProps) {
  const t = useTranslate();
  const paged = usePaged(suspects, sort);
  const selectableCount = suspects.filter((s) => outcomes.get(s.taskSid)?.outcome !== 'not_stuck').length;
  const selectedHere = suspects.filter((s) => selected.has(s.taskSid)).length;
  const allSelected = selectableCount > 0 && selectedHere >= selectableCount;
  const someSelected = selectedHere > 0 && !allSelected;

  return (
    <Box style={offscreenSkipped}>
      <PlainRowStyles />
      <Table scrollHorizontally aria-label={label}>
        <THead stickyHeader>
          <Tr>
            <Th width="3.5rem">
              <Checkbox
                id={`${idPrefix}-select-all`}
                checked={allSelected}
                indeterminate={someSelected}
                isSelectAll
                disabled={disabled || selectableCount === 0}
                onChange={() => onToggleAll(!allSelected)}
                aria-label={selectAllLabel}
              >
                <ScreenReaderOnly>{selectAllLabel}</ScreenReaderOnly>
              </Checkbox>
            </Th>
            {COLUMNS.map((column) => (
              <SortableHeader
                key={column.key}
                column={column.key}
                label={t(column.label)}
                sort={sort}
                onSortChange={onSortChange}
              />
            ))}
            <Th>{t('StuckTasksColumnOutcome')}</Th>
          </Tr>
        </THead>
        <TBody>
          {paged.pageItems.map((suspect) => (
            <SuspectRow
              key={suspect.taskSid}
              idPrefix={idPrefix}
              suspect={suspect}
              selected={selected.has(suspect.taskSid)}
              outcome={outcomes.get(suspect.taskSid)}
              disabled={disabled}
              onToggle={onToggleRow}
              onOpen={onOpenTask}
            />
          ))}
        </TBody>
      </Table>
      <Pager paged={paged} tableName={label} />
    </Box>
  );
});

interface SortableHeaderProps {
  column: SortKey;
  label: string;
  sort: SortOrder;
  onSortChange: (key: SortKey) => void;
}

// Memoised: a selection change re-renders the table, and its headers (Paste buttons) would follow.
const SortableHeader = React.memo(function SortableHeader({ column, label, sort, onSortChange }: SortableHeaderProps) {
  const t = useTranslate();
  const active = sort.key === column;
  return (
    <Th aria-sort={active ? sort.direction : 'none'}>
      <Button
        variant="reset"
        size="reset"
        onClick={() => onSortChange(column)}
        title={t('StuckTasksSortBy', { column: label })}
      >
        <Box as="span" display="inline-flex" alignItems="center" columnGap="space20" fontWeight="fontWeightSemibold">
          {label}
          {active && sort.direction === 'ascending' ? <ArrowUpIcon decorative size="sizeIcon10" /> : null}
          {active && sort.direction === 'descending' ? <ArrowDownIcon decorative size="sizeIcon10" /> : null}
        </Box>
      </Button>
    </Th>
  );
});

interface SuspectRowProps {
  idPrefix: string;
  suspect: Suspect;
  selected: boolean;
  outcome: CloseResult | undefined;
  disabled: boolean;
  onToggle: (taskSid: string) => void;
  onOpen: (taskSid: string) => void;
}

const INTERACTIVE = 'input, button, label, a';

/**
 * Memoised: ticking one row re-renders that row only, which keeps 2,000-row lists responsive. A
 * select-all changes every row's checkbox, so the rest of the row is memoised apart (`SuspectCells`):
 * re-rendering a hundred rows' Paste cells was most of the time a select-all took. The row and its
 * cells are plain elements styled like Paste's, and so are the controls in them (`PlainRows`).
 */
const SuspectRow = React.memo(function SuspectRow({
  idPrefix,
  suspect,
  selected,
  outcome,
  disabled,
  onToggle,
  onOpen,
}: SuspectRowProps) {
  const t = useTranslate();
  const { taskSid } = suspect;
  const notStuck = outcome?.outcome === 'not_stuck';

  const openFromRow = (event: React.MouseEvent<HTMLElement>) => {
    if (!(event.target instanceof Element) || !event.target.closest(INTERACTIVE)) {
      onOpen(taskSid);
    }
  };

  return (
    <tr className={plain.row} onClick={openFromRow}>
      <td className={plain.cell}>
        <RowCheckbox
          id={`${idPrefix}-select-${taskSid}`}
          label={t('StuckTasksSelectTask', { taskSid })}
          checked={selected}
          disabled={disabled || notStuck}
          onChange={() => onToggle(taskSid)}
        />
      </td>
      <SuspectCells suspect={suspect} outcome={outcome} onOpen={onOpen} />
    </tr>
  );
});

const SuspectCells = React.memo(function SuspectCells({
  suspect,
  outcome,
  onOpen,
}: Pick<SuspectRowProps, 'suspect' | 'outcome' | 'onOpen'>) {
  const t = useTranslate();
  // A messaging suspect has no call: its conversation's close stands for the call's end.
  const ended = formatAgo(suspect.callEndedAt ?? suspect.conversationEndedAt, Date.now(), t);
  return (
    <>
      <TaskIdentityCells task={suspect} onOpen={onOpen} />
      <td className={plain.cell}>{suspect.taskQueueName ?? t('StuckTasksNoQueue')}</td>
      <td className={plain.cell}>
        <span className={plain.noWrap}>{formatDuration(suspect.ageSeconds, t)}</span>
      </td>
      <td className={plain.cell}>
        <span className={plain.noWrap}>
          {suspect.callStatus !== null
            ? callStatusLabel(suspect.callStatus, t)
            : t(
                suspect.conversationState === 'deleted'
                  ? 'StuckTasksConversationDeleted'
                  : 'StuckTasksConversationClosed',
              )}
        </span>
        {suspect.conversationSid ? (
          // Which conversation, on which channel: what a supervisor looks up in Flex or filters by.
          <span className={`${plain.weak} ${plain.breakAnywhere}`}>
            {suspect.channelType ? `${suspect.channelType} ` : ''}
            <span className={plain.code}>{suspect.conversationSid}</span>
          </span>
        ) : null}
      </td>
      <td className={plain.cell}>
        <span className={plain.noWrap}>{ended ?? t('StuckTasksUnknown')}</span>
      </td>
      <td className={plain.cell}>
        <ActionBadge plain action={suspect.action} />
      </td>
      <td className={plain.cell}>
        {outcome ? (
          // Messages carry 34-character SIDs: they may break anywhere, so the cell wraps instead of the
          // table growing sideways.
          <span className={plain.outcome}>
            <OutcomeBadge plain outcome={outcome.outcome} />
            <span className={plain.smallWeak}>{outcome.message}</span>
          </span>
        ) : null}
      </td>
    </>
  );
});
