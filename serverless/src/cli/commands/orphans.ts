import type {
  OrphanConversation,
  OrphanConversationsCounts,
  OrphanConversationsResponse,
} from '@plugin-stuck-tasks/contract';
import { orphanConversationsPage } from '../../engine';
import { engineFor } from '../context';
import type { CommandContext, CommonOptions } from '../context';
import { EXIT_CODES } from '../errors';
import { listingOutput } from '../listingOutput';
import { formatOrphans } from '../report';
import type { OrphansReport, ReportFormat } from '../report';
import { plural, seconds } from '../summary';
import { renderTable } from '../table';

export interface OrphansCommandOptions extends CommonOptions {
  out?: string;
  overwrite: boolean;
  format?: ReportFormat;
}

/** Rows shown in the terminal; the file has them all. */
export const ORPHANS_TABLE_ROWS = 50;
/** No Function time limit here: each page may take longer and look at more than the endpoint's. */
const CLI_PAGE_DEADLINE_MS = 30_000;
const CLI_PAGE_CONVERSATIONS = 5_000;

/**
 * `stuck-tasks orphans`: conversations still going (active or inactive) that no open task names, idle
 * longer than STUCK_GRACE_SECONDS, as the orphan-conversations endpoint lists them. Review only:
 * nothing is closed or changed.
 */
export async function runOrphans(context: CommandContext, options: OrphansCommandOptions): Promise<number> {
  const { settings, io } = context;
  const output = listingOutput(io, options);

  const deps = engineFor(context, options);
  const started = Date.now();
  const conversations: OrphanConversation[] = [];
  const counts: OrphanConversationsCounts = { scanned: 0, withOpenTask: 0, recent: 0, orphaned: 0 };
  let pageToken: string | null = null;
  do {
    const page: OrphanConversationsResponse = await orphanConversationsPage(
      deps,
      { pageToken },
      { deadlineMs: CLI_PAGE_DEADLINE_MS, maxScanned: CLI_PAGE_CONVERSATIONS },
    );
    conversations.push(...page.conversations);
    for (const key of Object.keys(counts) as (keyof OrphanConversationsCounts)[]) counts[key] += page.counts[key];
    pageToken = page.nextPageToken;
  } while (pageToken !== null);

  const report: OrphansReport = {
    workspaceSid: settings.workspaceSid,
    generatedAt: new Date().toISOString(),
    graceSeconds: settings.graceSeconds,
    counts,
    conversations,
  };
  output.humans.write(renderOrphans(report, settings.messaging === false, Date.now() - started));
  output.deliver(formatOrphans(report, output.format), plural(conversations.length, 'conversation'));
  return EXIT_CODES.ok;
}

function renderOrphans(report: OrphansReport, messagingOff: boolean, elapsedMs: number): string {
  if (messagingOff) return 'MESSAGING=off: conversations are not looked at, so none is listed.\n';
  const { counts, conversations } = report;
  const header =
    `${plural(conversations.length, 'conversation')} still going with no open task, idle longer than ` +
    `${plural(report.graceSeconds, 'second')} (of ${counts.scanned} going: ${counts.withOpenTask} with an open task, ` +
    `${counts.recent} changed recently) (${seconds(elapsedMs)}).`;
  const advice =
    'Listed for review only: nothing here is closed. Close one in Flex (the agent ends the chat) or in the ' +
    'Console (Conversations > Manage > set it closed) once you know nobody is still talking in it.';
  if (conversations.length === 0) return `${header}\n`;
  const shown = conversations.slice(0, ORPHANS_TABLE_ROWS);
  const table = renderTable(
    ['Conversation', 'State', 'Idle', 'Last change', 'Name'],
    shown.map((conversation) => [
      conversation.conversationSid,
      conversation.state,
      idle(conversation.idleSeconds),
      conversation.dateUpdated.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      conversation.friendlyName ?? '',
    ]),
  );
  const more =
    conversations.length > shown.length
      ? `... and ${conversations.length - shown.length} more (all of them in --out FILE)\n`
      : '';
  return `${header}\n${advice}\n\n${table}${more}`;
}

/** Idle time as a person reads it: 45m, 3h 20m, 2d 4h. */
function idle(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${minutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}
