import type { Translate } from '../strings';
import { StuckTasksApiError } from './client';

/** A sentence a supervisor can act on, for any failure of a call to the Functions service. */
export function describeApiError(error: unknown, t: Translate): string {
  if (!(error instanceof StuckTasksApiError)) {
    return t('StuckTasksErrorUnexpected', { status: '?' });
  }
  switch (error.kind) {
    case 'unauthorized':
      return t('StuckTasksErrorUnauthorized');
    case 'forbidden':
      return t('StuckTasksErrorForbidden');
    case 'not_found':
      return t('StuckTasksErrorNotFound');
    case 'bad_request':
      return t('StuckTasksErrorBadRequest', { message: error.message });
    case 'upstream':
      return t('StuckTasksErrorUpstream', { message: error.message });
    case 'network':
      return t('StuckTasksErrorNetwork');
    default:
      return t('StuckTasksErrorUnexpected', { status: error.status ?? '?' });
  }
}

/** Failures that retrying cannot fix until the user signs in again or is given a role. */
export function isPermissionError(error: unknown): boolean {
  return error instanceof StuckTasksApiError && (error.kind === 'unauthorized' || error.kind === 'forbidden');
}
