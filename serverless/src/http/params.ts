import {
  HISTORY_DAYS_DEFAULT,
  HISTORY_DAYS_MAX,
  HISTORY_DAYS_MIN,
  MAX_CLOSE_BATCH,
  TASK_SID_PATTERN,
} from '@plugin-stuck-tasks/contract';
import { z } from 'zod';
import { badRequest } from './errors';
import { quote } from './request';

/** Longest PageToken accepted; the engine's own tokens are far shorter. */
export const MAX_PAGE_TOKEN_LENGTH = 2048;

const TASK_SID_HINT = 'a Task SID is WT followed by 32 hexadecimal digits';

/** zod refinement helper: reports `message` and makes the parse fail. */
function fail(ctx: z.RefinementCtx, message: string): typeof z.NEVER {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  return z.NEVER;
}

/** A PageToken as `endpoint` returned it (the engine checks that it did). */
const pageTokenOf = (endpoint: string) =>
  z.unknown().transform((value, ctx): string | null => {
    // null is what the last page returned; accepted in JSON bodies as "start from the beginning".
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string') return fail(ctx, 'PageToken must be a string.');
    if (value === '') return fail(ctx, 'PageToken is empty: leave it out to start from the first page.');
    if (value.length > MAX_PAGE_TOKEN_LENGTH || !/^[\x21-\x7e]+$/.test(value)) {
      return fail(ctx, `PageToken ${quote(value)} is not a page token returned by ${endpoint}.`);
    }
    return value;
  });

const DAYS_HINT = `a whole number of days from ${HISTORY_DAYS_MIN} to ${HISTORY_DAYS_MAX} (default ${HISTORY_DAYS_DEFAULT}; TaskRouter keeps ${HISTORY_DAYS_MAX} days of events)`;

/** `Days` as a JSON number or the digits of a form field; null when left out (the default applies). */
const days = z.unknown().transform((value, ctx): number | null => {
  if (value === undefined || value === null) return null;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(number) || number < HISTORY_DAYS_MIN || number > HISTORY_DAYS_MAX) {
    return fail(ctx, `Days ${quote(value)} is not valid: ${DAYS_HINT}.`);
  }
  return number;
});

const taskSid = z.unknown().transform((value, ctx): string => {
  if (value === undefined || value === null || value === '') return fail(ctx, `TaskSid is missing: ${TASK_SID_HINT}.`);
  if (typeof value !== 'string') return fail(ctx, 'TaskSid must be a string.');
  if (!TASK_SID_PATTERN.test(value)) return fail(ctx, `TaskSid ${quote(value)} is not valid: ${TASK_SID_HINT}.`);
  return value;
});

/**
 * `TaskSids` arrives as a JSON array (JSON body), as a string holding a JSON array or a
 * comma-separated list (form body), or as repeated form fields (which the Runtime turns into an array).
 */
const taskSidList = z.unknown().transform((value, ctx): string[] => {
  if (value === undefined || value === null || value === '') {
    return fail(ctx, `TaskSids is missing: send 1 to ${MAX_CLOSE_BATCH} Task SIDs.`);
  }
  let items: unknown[];
  if (Array.isArray(value)) {
    items = value;
  } else if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (!Array.isArray(parsed)) return fail(ctx, 'TaskSids is not a JSON array.');
        items = parsed;
      } catch {
        return fail(ctx, 'TaskSids starts with "[" but is not a valid JSON array.');
      }
    } else {
      items = text.split(',').map((item) => item.trim());
    }
  } else {
    return fail(ctx, 'TaskSids must be an array of Task SIDs or a comma-separated string.');
  }

  if (items.length === 0) return fail(ctx, `TaskSids is empty: send 1 to ${MAX_CLOSE_BATCH} Task SIDs.`);
  if (items.length > MAX_CLOSE_BATCH) {
    return fail(ctx, `TaskSids has ${items.length} entries: at most ${MAX_CLOSE_BATCH} per request.`);
  }
  const problems: string[] = [];
  items.forEach((item, index) => {
    if (typeof item !== 'string') problems.push(`entry ${index + 1} is not a string`);
    else if (item === '') problems.push(`entry ${index + 1} is empty`);
    else if (!TASK_SID_PATTERN.test(item)) problems.push(`entry ${index + 1} ${quote(item)} is not a Task SID`);
  });
  if (problems.length > 0) {
    return fail(ctx, `TaskSids is not valid (${TASK_SID_HINT}): ${summarise(problems)}.`);
  }
  const sids = items as string[];
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const sid of sids) {
    // Twilio SIDs are lower-case hex; the same SID in another case is still the same task to a person.
    const key = sid.toLowerCase();
    if (seen.has(key)) duplicates.add(sid);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    return fail(ctx, `TaskSids lists the same task more than once: ${summarise([...duplicates])}.`);
  }
  return sids;
});

const force = z.unknown().transform((value, ctx): boolean => {
  if (value === undefined || value === null || value === false || value === 'false') return false;
  if (value === true || value === 'true') return true;
  return fail(ctx, `Force must be true or false, not ${quote(value)}.`);
});

export const scanParamsSchema = z.object({ PageToken: pageTokenOf('scan') }).strict();
export const historyParamsSchema = z.object({ Days: days, PageToken: pageTokenOf('history') }).strict();
export const orphanConversationsParamsSchema = z.object({ PageToken: pageTokenOf('orphan-conversations') }).strict();
export const taskParamsSchema = z.object({ TaskSid: taskSid }).strict();
export const closeParamsSchema = z.object({ TaskSids: taskSidList, Force: force }).strict();

export type ScanParams = z.output<typeof scanParamsSchema>;
export type TaskParams = z.output<typeof taskParamsSchema>;
export type CloseParams = z.output<typeof closeParamsSchema>;
export type HistoryParams = z.output<typeof historyParamsSchema>;
export type OrphanConversationsParams = z.output<typeof orphanConversationsParamsSchema>;

/**
 * Validates the parameters other than Token (already checked) against an endpoint's schema, or
 * throws 400 `bad_request` saying what is wrong with each of them.
 */
export function parseParams<Schema extends z.ZodTypeAny>(
  schema: Schema,
  fields: Record<string, unknown>,
): z.output<Schema> {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { Token, ...params } = fields;
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  throw badRequest(describeIssues(result.error, schema));
}

function describeIssues(error: z.ZodError, schema: z.ZodTypeAny): string {
  const expected = schema instanceof z.ZodObject ? ['Token', ...Object.keys(schema.shape)] : [];
  const messages = error.issues.map((issue) => {
    if (issue.code === z.ZodIssueCode.unrecognized_keys) {
      return `Unknown parameter ${summarise(issue.keys.map((key) => quote(key)))} (accepted: ${expected.join(', ')}).`;
    }
    if (issue.code === z.ZodIssueCode.invalid_type && issue.path.length === 0) {
      return 'The request parameters must be an object.';
    }
    return issue.message;
  });
  return messages.join(' ');
}

function summarise(items: string[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown} and ${items.length - max} more` : shown;
}
