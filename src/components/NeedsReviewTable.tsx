import * as React from 'react';
import { Table, TBody, Th, THead, Tr } from '@twilio-paste/core/table';
import type { ReviewItem } from '@plugin-stuck-tasks/contract';
import { formatDuration, problemText } from '../model/labels';
import { useTranslate } from './StringsContext';
import { Pager, usePaged } from './Pager';
import { offscreenSkipped, plain, PlainRowStyles } from './PlainRows';
import { TaskIdentityCells } from './TaskIdentityCells';

export interface NeedsReviewTableProps {
  items: readonly ReviewItem[];
  onOpenTask: (taskSid: string) => void;
}

/** Memoised: selecting suspects re-renders the view, not this table. */
export const NeedsReviewTable = React.memo(function NeedsReviewTable({ items, onOpenTask }: NeedsReviewTableProps) {
  const t = useTranslate();
  const paged = usePaged(items, null);
  return (
    <div style={offscreenSkipped}>
      <PlainRowStyles />
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
    </div>
  );
});

/** Plain rows, cells, spans and controls styled as Paste's (`PlainRows`): a filter change mounts a page of these rows. */
const ReviewRow = React.memo(function ReviewRow({
  item,
  onOpen,
}: {
  item: ReviewItem;
  onOpen: (taskSid: string) => void;
}) {
  const t = useTranslate();
  return (
    <tr className={plain.row}>
      <TaskIdentityCells task={item} onOpen={onOpen} />
      <td className={plain.cell}>{item.taskQueueName ?? t('StuckTasksNoQueue')}</td>
      <td className={plain.cell}>{formatDuration(item.ageSeconds, t)}</td>
      <td className={plain.cell}>
        <span className={plain.code}>{item.callSid ?? t('StuckTasksNone')}</span>
      </td>
      <td className={plain.cell}>{problemText(item.problem, t)}</td>
    </tr>
  );
});
