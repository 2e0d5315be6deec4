import * as React from 'react';
import { AlertDialog } from '@twilio-paste/core/alert-dialog';
import { Paragraph } from '@twilio-paste/core/paragraph';
import type { CloseAction } from '@plugin-stuck-tasks/contract';
import { useTranslate } from './StringsContext';

export interface BulkCloseDialogProps {
  isOpen: boolean;
  counts: Record<CloseAction, number>;
  /** How many of the tasks to complete are overdue wrap-ups rather than assigned tasks. */
  wrapupOverdue: number;
  /** How many of them the current filter hides (selected before the filter was set). */
  hidden: number;
  onConfirm: () => void;
  onDismiss: () => void;
}

/** The one deliberate step before a bulk close: says exactly how many tasks get each action. */
export const BulkCloseDialog: React.FC<BulkCloseDialogProps> = ({
  isOpen,
  counts,
  wrapupOverdue,
  hidden,
  onConfirm,
  onDismiss,
}) => {
  const t = useTranslate();
  // A server older than the messaging contract sends no close_interaction suspects.
  const closeInteraction = counts.close_interaction ?? 0;
  const total = counts.cancel + counts.complete + closeInteraction;
  const values = { cancel: counts.cancel, complete: counts.complete, wrapupOverdue };
  return (
    <AlertDialog
      heading={t('StuckTasksBulkDialogHeading', { count: total })}
      isOpen={isOpen}
      onConfirm={onConfirm}
      onConfirmLabel={t('StuckTasksBulkDialogConfirm')}
      onDismiss={onDismiss}
      onDismissLabel={t('StuckTasksDialogDismiss')}
      destructive
    >
      <Paragraph>
        {t(wrapupOverdue > 0 ? 'StuckTasksBulkDialogBodyWithWrapups' : 'StuckTasksBulkDialogBody', values)}
      </Paragraph>
      {closeInteraction > 0 ? <Paragraph>{t('StuckTasksBulkDialogMessaging', { closeInteraction })}</Paragraph> : null}
      {hidden > 0 ? (
        <Paragraph>
          <strong>{t('StuckTasksBulkDialogHidden', { hidden, count: total })}</strong>
        </Paragraph>
      ) : null}
      <Paragraph marginBottom="space0">{t('StuckTasksBulkDialogRecheck')}</Paragraph>
    </AlertDialog>
  );
};
