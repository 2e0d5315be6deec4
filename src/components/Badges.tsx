import * as React from 'react';
import { Badge } from '@twilio-paste/core/badge';
import type { AssignmentStatus, CloseAction, CloseOutcome } from '@plugin-stuck-tasks/contract';
import { actionLabel, outcomeLabel, statusLabel } from '../model/labels';
import type { RowBadgeVariant } from './PlainRows';
import { RowBadge } from './PlainRows';
import { useTranslate } from './StringsContext';

const STATUS_VARIANTS: Record<AssignmentStatus, RowBadgeVariant> = {
  pending: 'neutral',
  reserved: 'warning',
  assigned: 'info',
  wrapping: 'info',
  completed: 'success',
  canceled: 'neutral',
};

const OUTCOME_VARIANTS: Record<CloseOutcome, RowBadgeVariant> = {
  canceled: 'success',
  completed: 'success',
  not_stuck: 'warning',
  not_found: 'neutral',
  failed: 'error',
};

const ACTION_VARIANTS: Record<CloseAction, RowBadgeVariant> = {
  complete: 'decorative20',
  cancel: 'decorative10',
  close_interaction: 'decorative10',
};

interface BadgeProps {
  /**
   * In a big table's rows: the plain badge styled like Paste's (`RowBadge`, with the table's
   * `PlainRowStyles`), which costs far less to mount. Elsewhere, Paste's Badge.
   */
  plain?: boolean;
}

function AnyBadge({ variant, plain, children }: { variant: RowBadgeVariant; plain?: boolean; children: string }) {
  return plain ? (
    <RowBadge variant={variant}>{children}</RowBadge>
  ) : (
    <Badge as="span" variant={variant}>
      {children}
    </Badge>
  );
}

export const StatusBadge: React.FC<BadgeProps & { status: AssignmentStatus }> = ({ status, plain }) => {
  const t = useTranslate();
  return (
    <AnyBadge variant={STATUS_VARIANTS[status] ?? 'neutral'} plain={plain}>
      {statusLabel(status, t)}
    </AnyBadge>
  );
};

export const OutcomeBadge: React.FC<BadgeProps & { outcome: CloseOutcome }> = ({ outcome, plain }) => {
  const t = useTranslate();
  return (
    <AnyBadge variant={OUTCOME_VARIANTS[outcome] ?? 'neutral'} plain={plain}>
      {outcomeLabel(outcome, t)}
    </AnyBadge>
  );
};

export const ActionBadge: React.FC<BadgeProps & { action: CloseAction }> = ({ action, plain }) => {
  const t = useTranslate();
  return (
    <AnyBadge variant={ACTION_VARIANTS[action] ?? 'decorative10'} plain={plain}>
      {actionLabel(action, t)}
    </AnyBadge>
  );
};
