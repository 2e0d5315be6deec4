import * as React from 'react';
import { ScreenReaderOnly } from '@twilio-paste/core/screen-reader-only';
import { Text } from '@twilio-paste/core/text';
import type { ScannedTask } from '@plugin-stuck-tasks/contract';
import { agentDisplayName } from '../model/suspects';
import { useTranslate } from './StringsContext';

/**
 * The agent holding a task: the name, else the Worker SID, else a dash. The dash is hidden from
 * assistive tech, which hears "No agent" instead of "dash".
 */
export const AgentName: React.FC<{ task: Pick<ScannedTask, 'workerSid' | 'workerName'> }> = ({ task }) => {
  const t = useTranslate();
  const name = agentDisplayName(task);
  if (name === null) {
    return (
      <>
        <Text as="span" aria-hidden="true" color="colorTextWeak">
          —
        </Text>
        <ScreenReaderOnly>{t('StuckTasksNoAgent')}</ScreenReaderOnly>
      </>
    );
  }
  // A SID alone is shown as code, like the other SIDs; a name carries its SID as a tooltip.
  return name === task.workerSid ? (
    <Text as="span" fontFamily="fontFamilyCode" fontSize="fontSize20">
      {name}
    </Text>
  ) : (
    <Text as="span" title={task.workerSid ?? undefined}>
      {name}
    </Text>
  );
};
