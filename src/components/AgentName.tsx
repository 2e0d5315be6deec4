import * as React from 'react';
import { ScreenReaderOnly } from '@twilio-paste/core/screen-reader-only';
import type { ScannedTask } from '@plugin-stuck-tasks/contract';
import { agentDisplayName } from '../model/suspects';
import { plain } from './PlainRows';
import { useTranslate } from './StringsContext';

/**
 * The agent holding a task: the name, else the Worker SID, else a dash. The dash is hidden from
 * assistive tech, which hears "No agent" instead of "dash". Plain spans styled as Paste's `Text`
 * (`PlainRows`, whose stylesheet the tables render): it is in every table row.
 */
export const AgentName: React.FC<{ task: Pick<ScannedTask, 'workerSid' | 'workerName'> }> = ({ task }) => {
  const t = useTranslate();
  const name = agentDisplayName(task);
  if (name === null) {
    return (
      <>
        <span aria-hidden="true" className={plain.weak}>
          —
        </span>
        <ScreenReaderOnly>{t('StuckTasksNoAgent')}</ScreenReaderOnly>
      </>
    );
  }
  // A SID alone is shown as code, like the other SIDs; a name carries its SID as a tooltip.
  return name === task.workerSid ? (
    <span className={plain.code}>{name}</span>
  ) : (
    <span title={task.workerSid ?? undefined} className={plain.text}>
      {name}
    </span>
  );
};
