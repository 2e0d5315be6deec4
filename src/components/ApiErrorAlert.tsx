import * as React from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Text } from '@twilio-paste/core/text';
import { describeApiError, isPermissionError } from '../api/describeError';
import { useTranslate } from './StringsContext';

export interface ApiErrorAlertProps {
  /** What the failed call to the Functions service threw. */
  error: unknown;
  onRetry: () => void;
}

/**
 * A failed call to the Functions service: what went wrong in words a supervisor can act on, and a way
 * to try again. The heading says "not permitted" when retrying alone will not help.
 */
export function ApiErrorAlert({ error, onRetry }: ApiErrorAlertProps) {
  const t = useTranslate();
  return (
    <Alert variant="error">
      <Text as="p" fontWeight="fontWeightSemibold">
        {t(isPermissionError(error) ? 'StuckTasksNotPermittedHeading' : 'StuckTasksErrorHeading')}
      </Text>
      <Text as="p">{describeApiError(error, t)}</Text>
      <Box marginTop="space30">
        <Button variant="secondary" size="small" onClick={onRetry}>
          {t('StuckTasksTryAgain')}
        </Button>
      </Box>
    </Alert>
  );
}
