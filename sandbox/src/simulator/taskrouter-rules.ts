import type { AssignmentStatus } from './model';

/**
 * TaskRouter's own rules for a task update, as the real API applies them: which AssignmentStatus
 * change is allowed (anything else is 400 code 20001), and when an If-Match value matches the
 * task's ETag (otherwise 412 code 20412). The endpoint in endpoints/tasks.ts applies them.
 */

/** `*`, a quoted, weak (`W/"…"`) or bare ETag, or a comma list of them. */
export function etagMatches(ifMatch: string, etag: string): boolean {
  return ifMatch
    .split(',')
    .map((value) =>
      value
        .trim()
        .replace(/^W\//, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .some((value) => value === '*' || value === etag);
}

/** TaskRouter's rules: cancel only from pending/reserved, complete only from assigned/wrapping. */
export function transitionProblem(from: AssignmentStatus, to: string): string | null {
  switch (to) {
    case 'canceled':
      return from === 'pending' || from === 'reserved'
        ? null
        : `Cannot cancel Task in ${from} status: only pending or reserved Tasks can be canceled`;
    case 'completed':
      return from === 'assigned' || from === 'wrapping'
        ? null
        : `Cannot complete Task in ${from} status: only assigned or wrapping Tasks can be completed`;
    case 'wrapping':
      return from === 'assigned'
        ? null
        : `Cannot move Task in ${from} status to wrapping: only assigned Tasks can wrap`;
    case 'pending':
    case 'reserved':
    case 'assigned':
      return `AssignmentStatus ${to} cannot be set through the API (Task is ${from})`;
    default:
      return `Invalid AssignmentStatus '${to}'. Allowed values: canceled, wrapping, completed`;
  }
}
