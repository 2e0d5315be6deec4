import * as React from 'react';
import type { ScannedTask } from '@plugin-stuck-tasks/contract';
import { AgentName } from './AgentName';
import { StatusBadge } from './Badges';
import { plain, RowLinkButton } from './PlainRows';
import { useTranslate } from './StringsContext';

export interface TaskIdentityCellsProps {
  task: Pick<ScannedTask, 'taskSid' | 'assignmentStatus' | 'workerSid' | 'workerName'>;
  /** Opens the task's side panel. */
  onOpen: (taskSid: string) => void;
}

/**
 * The first cells of a task's row in the suspects and needs-review tables, the same in both: its SID
 * (a link-styled button that opens the side panel), its status and the agent it holds. Plain cells
 * (`PlainRows`): the table renders their stylesheet.
 */
export function TaskIdentityCells({ task, onOpen }: TaskIdentityCellsProps) {
  const t = useTranslate();
  const { taskSid } = task;
  return (
    <>
      <td className={plain.cell}>
        <RowLinkButton onClick={() => onOpen(taskSid)} label={t('StuckTasksReviewTask', { taskSid })}>
          <span className={plain.code}>{taskSid}</span>
        </RowLinkButton>
      </td>
      <td className={plain.cell}>
        <StatusBadge plain status={task.assignmentStatus} />
      </td>
      <td className={plain.cell}>
        <AgentName task={task} />
      </td>
    </>
  );
}
