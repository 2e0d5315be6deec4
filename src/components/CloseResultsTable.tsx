import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Td, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { OutcomeBadge } from './Badges';
import { useTranslate } from './StringsContext';
import { PagedTable } from './PagedTable';
import { usePaged } from './Pager';

/** Every task of the last bulk close with what happened to it, including those that left the list. */
export const CloseResultsTable: React.FC<{ results: readonly CloseResult[] }> = ({ results }) => {
  const t = useTranslate();
  const paged = usePaged(results, null);
  return (
    <PagedTable
      label={t('StuckTasksResultsHeading')}
      columns={[t('StuckTasksColumnTask'), t('StuckTasksColumnOutcome'), t('StuckTasksColumnDetails')]}
      paged={paged}
      renderRow={(result) => <ResultRow key={result.taskSid} result={result} />}
    />
  );
};

const ResultRow = React.memo(function ResultRow({ result }: { result: CloseResult }) {
  return (
    <Tr>
      <Td>
        <Text as="span" fontFamily="fontFamilyCode" fontSize="fontSize20">
          {result.taskSid}
        </Text>
      </Td>
      <Td>
        <OutcomeBadge outcome={result.outcome} />
      </Td>
      <Td>
        {/* Messages carry 34-character SIDs: let them break anywhere (Box, not Text: Text ignores overflowWrap). */}
        <Box as="span" overflowWrap="anywhere">
          {result.message}
        </Box>
      </Td>
    </Tr>
  );
});
