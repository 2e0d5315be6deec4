import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Pagination, PaginationArrow, PaginationItems, PaginationLabel } from '@twilio-paste/core/pagination';
import { useTranslate } from './StringsContext';

/**
 * Rows per table page. A filter change mounts a page of rows in each group, so the page size sets most
 * of its cost: in `e2e/bench/workbench.bench.ts` (6,400 tasks, about 2,200 suspects, Chromium) a queue
 * filter took 230–250 ms to commit with 100-row pages and 118–135 ms with 25-row pages (select-all
 * 58 ms and 25 ms). 25 rows still fill a screen; select-all still covers every page of its group.
 */
export const PAGE_SIZE = 25;

export interface Paged<T> {
  pageItems: readonly T[];
  page: number;
  pageCount: number;
  from: number;
  to: number;
  total: number;
  setPage: (page: number) => void;
}

/**
 * Splits a list into pages. Keeps the page when the list grows (a scan adding rows) and clamps it
 * when the list shrinks (closed rows leaving); `resetKey` changing (a new sort) goes back to page 1.
 */
export function usePaged<T>(items: readonly T[], resetKey: unknown, pageSize = PAGE_SIZE): Paged<T> {
  const [requested, setPage] = React.useState(0);
  const [lastResetKey, setLastResetKey] = React.useState(resetKey);
  if (lastResetKey !== resetKey) {
    setLastResetKey(resetKey);
    setPage(0);
  }
  const pageCount = Math.max(1, Math.ceil(items.length / pageSize));
  const page = Math.min(requested, pageCount - 1);
  const start = page * pageSize;
  const pageItems = React.useMemo(() => items.slice(start, start + pageSize), [items, start, pageSize]);
  return {
    pageItems,
    page,
    pageCount,
    from: items.length === 0 ? 0 : start + 1,
    to: start + pageItems.length,
    total: items.length,
    setPage,
  };
}

export function Pager<T>({ paged, tableName }: { paged: Paged<T>; tableName: string }) {
  const t = useTranslate();
  if (paged.pageCount <= 1) return null;
  return (
    <Box marginTop="space40">
      <Pagination label={t('StuckTasksPagerLabel', { table: tableName })}>
        <PaginationItems>
          <PaginationArrow
            label={t('StuckTasksPreviousPage')}
            variant="back"
            disabled={paged.page === 0}
            onClick={() => paged.setPage(paged.page - 1)}
          />
          <PaginationLabel>
            {t('StuckTasksPageRange', { from: paged.from, to: paged.to, total: paged.total })}
          </PaginationLabel>
          <PaginationArrow
            label={t('StuckTasksNextPage')}
            variant="forward"
            disabled={paged.page >= paged.pageCount - 1}
            onClick={() => paged.setPage(paged.page + 1)}
          />
        </PaginationItems>
      </Pagination>
    </Box>
  );
}
