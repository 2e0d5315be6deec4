import * as React from 'react';
import { Table, TBody, Th, THead, Tr } from '@twilio-paste/core/table';
import type { Paged } from './Pager';
import { Pager } from './Pager';

export interface PagedTableProps<T> {
  /** Names the table and its pager for assistive technology. */
  label: string;
  columns: readonly string[];
  /**
   * Held by the caller, not here: the table leaves the page while its list is empty (a reload), and
   * the page it was on should still be there when the rows come back.
   */
  paged: Paged<T>;
  /** One keyed `Tr` per item. */
  renderRow: (item: T) => React.ReactNode;
}

/** A Paste table of one page of items under a row of column titles, with its pager below. */
export function PagedTable<T>({ label, columns, paged, renderRow }: PagedTableProps<T>) {
  return (
    <>
      <Table scrollHorizontally aria-label={label}>
        <THead>
          <Tr>
            {columns.map((title, index) => (
              // Fixed columns, and two titles may read the same in some language: the position is the key.
              <Th key={index}>{title}</Th>
            ))}
          </Tr>
        </THead>
        <TBody>{paged.pageItems.map((item) => renderRow(item))}</TBody>
      </Table>
      <Pager paged={paged} tableName={label} />
    </>
  );
}
