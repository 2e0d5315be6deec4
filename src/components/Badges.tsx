import * as React from 'react';
import { Badge } from '@twilio-paste/core/badge';
import type { AssignmentStatus, CloseAction, CloseOutcome } from '@plugin-stuck-tasks/contract';
import { actionLabel, outcomeLabel, statusLabel } from '../model/labels';
import { useTranslate } from './StringsContext';

type BadgeVariants = React.ComponentProps<typeof Badge>['variant'];

const STATUS_VARIANTS: Record<AssignmentStatus, BadgeVariants> = {
  pending: 'neutral',
  reserved: 'warning',
  assigned: 'info',
  wrapping: 'info',
  completed: 'success',
  canceled: 'neutral',
};

export const StatusBadge: React.FC<{ status: AssignmentStatus }> = ({ status }) => {
  const t = useTranslate();
  return (
    <Badge as="span" variant={STATUS_VARIANTS[status] ?? 'neutral'}>
      {statusLabel(status, t)}
    </Badge>
  );
};

const OUTCOME_VARIANTS: Record<CloseOutcome, BadgeVariants> = {
  canceled: 'success',
  completed: 'success',
  not_stuck: 'warning',
  not_found: 'neutral',
  failed: 'error',
};

export const OutcomeBadge: React.FC<{ outcome: CloseOutcome }> = ({ outcome }) => {
  const t = useTranslate();
  return (
    <Badge as="span" variant={OUTCOME_VARIANTS[outcome] ?? 'neutral'}>
      {outcomeLabel(outcome, t)}
    </Badge>
  );
};

export const ActionBadge: React.FC<{ action: CloseAction }> = ({ action }) => {
  const t = useTranslate();
  return (
    <Badge as="span" variant={action === 'complete' ? 'decorative20' : 'decorative10'}>
      {actionLabel(action, t)}
    </Badge>
  );
};
