import * as React from 'react';
import { Button } from '@twilio-paste/core/button';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import type { ReviewItem } from '@plugin-stuck-tasks/contract';
import { formatDuration, problemText } from '../model/labels';
import { AgentName } from './AgentName';
import { StatusBadge } from './Badges';
import { usePlainTextStyles } from './PlainText';
import { useTranslate } from './StringsContext';
import { Pager, usePaged } from './Pager';

export interface NeedsReviewTableProps {
  items: readonly ReviewItem[];
  onOpenTask: (taskSid: string) => void;
}

/** Memoised: selecting suspects re-renders the view, not this table. */
export const NeedsReviewTable = React.memo(function NeedsReviewTable({ items, onOpenTask }: NeedsReviewTableProps) {
  const t = useTranslate();
  const paged = usePaged(items, null);
  return (
    <>
      <Table scrollHorizontally aria-label={t('StuckTasksNeedsReviewHeading')}>
        <THead>
          <Tr>
            <Th>{t('StuckTasksColumnTask')}</Th>
            <Th>{t('StuckTasksColumnStatus')}</Th>
            <Th>{t('StuckTasksColumnAgent')}</Th>
            <Th>{t('StuckTasksColumnQueue')}</Th>
            <Th>{t('StuckTasksColumnAge')}</Th>
            <Th>{t('StuckTasksColumnCall')}</Th>
            <Th>{t('StuckTasksColumnProblem')}</Th>
          </Tr>
        </THead>
        <TBody>
          {paged.pageItems.map((item) => (
            <ReviewRow key={item.taskSid} item={item} onOpen={onOpenTask} />
          ))}
        </TBody>
      </Table>
      <Pager paged={paged} tableName={t('StuckTasksNeedsReviewHeading')} />
    </>
  );
});

/** Plain spans styled as Paste's `Text` in the cells: a filter change mounts a page of these rows. */
const ReviewRow = React.memo(function ReviewRow({
  item,
  onOpen,
}: {
  item: ReviewItem;
  onOpen: (taskSid: string) => void;
}) {
  const t = useTranslate();
  const styles = usePlainTextStyles();
  return (
    <Tr>
      <Td>
        <Button
          variant="link"
          onClick={() => onOpen(item.taskSid)}
          aria-label={t('StuckTasksReviewTask', { taskSid: item.taskSid })}
        >
          <span style={styles.code}>{item.taskSid}</span>
        </Button>
      </Td>
      <Td>
        <StatusBadge status={item.assignmentStatus} />
      </Td>
      <Td>
        <AgentName task={item} />
      </Td>
      <Td>{item.taskQueueName ?? t('StuckTasksNoQueue')}</Td>
      <Td>{formatDuration(item.ageSeconds, t)}</Td>
      <Td>
        <span style={styles.code}>{item.callSid ?? t('StuckTasksNone')}</span>
      </Td>
      <Td>{problemText(item.problem, t)}</Td>
    </Tr>
  );
});
