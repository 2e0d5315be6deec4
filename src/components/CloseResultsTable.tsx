import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { OutcomeBadge } from './Badges';
import { useTranslate } from './StringsContext';
import { Pager, usePaged } from './Pager';

/** Every task of the last bulk close with what happened to it, including those that left the list. */
export const CloseResultsTable: React.FC<{ results: readonly CloseResult[] }> = ({ results }) => {
  const t = useTranslate();
  const paged = usePaged(results, null);
  return (
    <>
      <Table scrollHorizontally aria-label={t('StuckTasksResultsHeading')}>
        <THead>
          <Tr>
            <Th>{t('StuckTasksColumnTask')}</Th>
            <Th>{t('StuckTasksColumnOutcome')}</Th>
            <Th>{t('StuckTasksColumnDetails')}</Th>
          </Tr>
        </THead>
        <TBody>
          {paged.pageItems.map((result) => (
            <ResultRow key={result.taskSid} result={result} />
          ))}
        </TBody>
      </Table>
      <Pager paged={paged} tableName={t('StuckTasksResultsHeading')} />
    </>
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
