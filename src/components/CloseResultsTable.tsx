import * as React from 'react';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import type { CloseResult } from '@plugin-stuck-tasks/contract';
import { OutcomeBadge } from './Badges';
import { useTranslate } from './StringsContext';
import { useProgressiveCount } from './useProgressiveCount';

/** Every task of the last bulk close with what happened to it, including those that left the list. */
export const CloseResultsTable: React.FC<{ results: readonly CloseResult[] }> = ({ results }) => {
  const t = useTranslate();
  const shown = useProgressiveCount(results.length);
  return (
    <Table scrollHorizontally aria-label={t('StuckTasksResultsHeading')}>
      <THead>
        <Tr>
          <Th>{t('StuckTasksColumnTask')}</Th>
          <Th>{t('StuckTasksColumnOutcome')}</Th>
          <Th>{t('StuckTasksColumnDetails')}</Th>
        </Tr>
      </THead>
      <TBody>
        {results.slice(0, shown).map((result) => (
          <ResultRow key={result.taskSid} result={result} />
        ))}
      </TBody>
    </Table>
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
      <Td>{result.message}</Td>
    </Tr>
  );
});
