/**
 * Every user-facing text of the plugin, as Flex string templates. The plugin registers these defaults
 * into `manager.strings` without replacing keys that are already there, so a deployment can customise
 * or translate any of them (e.g. `manager.strings.StuckTasksNavLabel = 'Tâches bloquées'`) before or
 * after the plugin loads. Placeholders are `{{name}}`, which Flex's Handlebars templates render the
 * same way, so the summary notification (rendered by Flex) and the view (rendered here) agree.
 */
export const DEFAULT_STRINGS = {
  StuckTasksNavLabel: 'Close stuck tasks',
  StuckTasksViewTitle: 'Close stuck tasks',
  StuckTasksViewIntro:
    'Tasks that stayed open after their call or conversation ended, or stayed in wrap-up long after it, for example after an outage. Every task is checked again just before it is closed; a task with a live call leg or a conversation still going is never closed, and a messaging task is closed through its interaction channel.',

  StuckTasksScanAgain: 'Scan again',
  StuckTasksStopScan: 'Stop scan',
  StuckTasksScanProgressLabel: 'Scan progress',
  StuckTasksScanning: 'Scanning open tasks: page {{pages}}…',
  StuckTasksScanFinished: 'Scan finished: {{scanned}} tasks checked, {{stuck}} stuck, {{needsReview}} need review.',
  StuckTasksScanFinishedWithWrapups:
    'Scan finished: {{scanned}} tasks checked, {{stuck}} stuck, {{wrapupOverdue}} overdue wrap-ups, {{needsReview}} need review.',
  StuckTasksScanStopped:
    'Scan stopped before the end (pages scanned: {{pages}}). The lists show what was found so far.',
  StuckTasksCountScanned: 'Scanned',
  StuckTasksCountStuck: 'Stuck',
  StuckTasksCountNeedsReview: 'Needs review',
  StuckTasksCountWrapupOverdue: 'Overdue wrap-ups',
  StuckTasksCountBlockedAgents: 'Blocked agents',
  StuckTasksLoading: 'Looking for stuck tasks…',

  StuckTasksEmptyHeading: 'No stuck tasks',
  StuckTasksEmptyBody:
    'Every open voice task has a live call, or a call that ended too recently to be sure. Scan again later if agents still report stuck tasks.',
  StuckTasksErrorHeading: 'Something went wrong',
  StuckTasksTryAgain: 'Try again',
  StuckTasksNotPermittedHeading: 'Not permitted',
  StuckTasksNotConfiguredHeading: 'The plugin is not configured',
  StuckTasksNotConfiguredBody:
    'It needs the URL of the stuck tasks Functions service: set ui_attributes.stuck_tasks.service_url in the Flex configuration, or build the plugin with FLEX_APP_STUCK_TASKS_SERVICE_URL.',

  StuckTasksErrorUnauthorized: 'Your Flex session is no longer valid. Reload Flex and sign in again, then retry.',
  StuckTasksErrorForbidden:
    'Your Flex role may not close stuck tasks. Ask an administrator to add one of your roles to ALLOWED_ROLES of the Functions service.',
  StuckTasksErrorNotFound: 'The task no longer exists.',
  StuckTasksErrorBadRequest: 'The service rejected the request: {{message}}',
  StuckTasksErrorUpstream: 'Twilio kept failing after several attempts: {{message}}',
  StuckTasksErrorNetwork: 'Could not reach the stuck tasks service. Check the network and the service URL.',
  StuckTasksErrorUnexpected: 'Unexpected answer from the stuck tasks service (HTTP {{status}}).',

  StuckTasksSuspectsHeading: 'Stuck tasks',
  StuckTasksSuspectsHelp: 'Select the tasks to close, or open one to review it first.',
  StuckTasksCallEndedHelp: 'Open tasks whose every call leg has ended.',
  StuckTasksWrapupHeading: 'Overdue wrap-ups',
  StuckTasksWrapupHelp:
    'Tasks left in wrap-up long after every call leg ended, for example because the agent closed the browser. The agent cannot take new work until the wrap-up ends: closing completes the task and frees the agent.',
  StuckTasksSelectAllWrapups: 'Select all overdue wrap-ups',
  StuckTasksMessagingHeading: 'Ended conversations',
  StuckTasksMessagingHelp:
    'Messaging tasks (SMS, WhatsApp, chat, email) still open although their conversation was closed or deleted. Closing one closes its interaction channel, as Twilio recommends, never the task itself; the result says what the task became.',
  StuckTasksSelectAllMessaging: 'Select all ended conversations',
  StuckTasksMessagingSelectedCount: '{{selected}} of {{total}} ended conversations selected',
  StuckTasksConversationClosed: 'Conversation closed',
  StuckTasksConversationDeleted: 'Conversation deleted',
  StuckTasksConversationHeading: 'Conversation',
  StuckTasksConversationGone: 'Twilio no longer knows this conversation (deleted).',
  StuckTasksInteractionChannelHeading: 'Interaction channel',
  StuckTasksInteractionChannelGone: 'Flex no longer knows this interaction channel.',
  StuckTasksWrapupSelectedCount: '{{selected}} of {{total}} overdue wrap-ups selected',
  StuckTasksSelectionAcrossGroups:
    'Selected for closing: {{selected}} in all (stuck tasks: {{callEnded}}, overdue wrap-ups: {{wrapupOverdue}}).',
  StuckTasksSelectAll: 'Select all stuck tasks',
  StuckTasksSelectTask: 'Select task {{taskSid}}',
  StuckTasksReviewTask: 'Review task {{taskSid}}',
  StuckTasksSelectedCount: '{{selected}} of {{total}} selected',
  StuckTasksPagerLabel: 'Pages of {{table}}',
  StuckTasksPageRange: 'Rows {{from}}–{{to}} of {{total}}',
  StuckTasksPreviousPage: 'Previous page',
  StuckTasksNextPage: 'Next page',
  StuckTasksSelectAllHelp: 'The selection covers every page.',
  StuckTasksColumnTask: 'Task',
  StuckTasksColumnStatus: 'Status',
  StuckTasksColumnQueue: 'Queue',
  StuckTasksColumnAge: 'Age',
  StuckTasksColumnAgent: 'Agent',
  StuckTasksColumnCallStatus: 'Call status',
  StuckTasksColumnEnded: 'Call ended',
  StuckTasksColumnAction: 'Proposed action',
  StuckTasksColumnOutcome: 'Outcome',
  StuckTasksColumnProblem: 'Problem',
  StuckTasksColumnCall: 'Call',
  StuckTasksColumnDetails: 'Details',
  StuckTasksSortBy: 'Sort by {{column}}',
  StuckTasksNoQueue: 'No queue',
  StuckTasksNone: 'None',
  StuckTasksNoAgent: 'No agent',
  StuckTasksUnknown: 'Unknown',
  StuckTasksAgo: '{{duration}} ago',
  StuckTasksDurationSeconds: '{{seconds}} s',
  StuckTasksDurationMinutes: '{{minutes}} min',
  StuckTasksDurationHours: '{{hours}} h {{minutes}} min',
  StuckTasksDurationDays: '{{days}} d {{hours}} h',

  StuckTasksActionCancel: 'Cancel',
  StuckTasksActionComplete: 'Complete',
  StuckTasksActionCloseInteraction: 'Close conversation',
  StuckTasksCloseInteractionTask: 'Close its interaction channel',
  StuckTasksBulkDialogMessaging:
    '{{closeInteraction}} messaging tasks will have their interaction channel closed (the task itself is never canceled or completed directly); each result says what the task became.',
  StuckTasksFieldInteraction: 'Interaction',
  StuckTasksStatusPending: 'Pending',
  StuckTasksStatusReserved: 'Reserved',
  StuckTasksStatusAssigned: 'Assigned',
  StuckTasksStatusWrapping: 'Wrapping',
  StuckTasksStatusCompleted: 'Completed',
  StuckTasksStatusCanceled: 'Canceled',
  StuckTasksCallQueued: 'Queued',
  StuckTasksCallRinging: 'Ringing',
  StuckTasksCallInProgress: 'In progress',
  StuckTasksCallCanceled: 'Canceled',
  StuckTasksCallCompleted: 'Completed',
  StuckTasksCallFailed: 'Failed',
  StuckTasksCallBusy: 'Busy',
  StuckTasksCallNoAnswer: 'No answer',

  StuckTasksNeedsReviewHeading: 'Needs review',
  StuckTasksNeedsReviewHelp:
    'These tasks could not be judged automatically, so they are never closed in bulk. Review one to close it yourself once you are sure its call is over.',
  StuckTasksProblemNoCallSid: 'The task attributes carry no call SID, so its call cannot be checked.',
  StuckTasksProblemCallNotFound: 'The call named in the task attributes does not exist in this account.',
  StuckTasksProblemBadAttributes: 'The task attributes are not a JSON object, so its call cannot be found.',
  StuckTasksProblemNoInteraction:
    'The task names a conversation but no interaction channel, so it cannot be closed safely. Close it in Flex.',
  StuckTasksProblemInteractionClosed:
    'The interaction channel is already closed or gone, yet the task is still open. Look at it in Flex.',
  StuckTasksReview: 'Review',

  StuckTasksCloseSelected: 'Close stuck tasks ({{count}})',
  StuckTasksBulkDialogHeading: 'Close {{count}} stuck tasks?',
  StuckTasksBulkDialogBody:
    '{{cancel}} will be canceled (pending or reserved) and {{complete}} will be completed (assigned).',
  StuckTasksBulkDialogBodyWithWrapups:
    '{{cancel}} will be canceled (pending or reserved) and {{complete}} will be completed (assigned, or overdue in wrap-up: {{wrapupOverdue}}).',
  StuckTasksBulkDialogRecheck:
    'Each task is checked again just before it is closed; a task whose call is live again is left open.',
  StuckTasksBulkDialogConfirm: 'Close tasks',
  StuckTasksDialogDismiss: 'Go back',
  StuckTasksCloseProgressLabel: 'Close progress',
  StuckTasksClosing: 'Closing tasks: {{done}} of {{total}} done…',
  StuckTasksCloseSummary:
    'Closed {{closed}} of {{total}} tasks: {{canceled}} canceled, {{completed}} completed, {{notStuck}} not stuck, {{notFound}} not found, {{failed}} failed.',
  StuckTasksMissingResult: 'The service did not report on this task.',
  StuckTasksResultsHeading: 'Results of the last close',
  StuckTasksRetryFailed: 'Retry failed ({{count}})',
  StuckTasksOutcomeCanceled: 'Canceled',
  StuckTasksOutcomeCompleted: 'Completed',
  StuckTasksOutcomeNotStuck: 'Not stuck',
  StuckTasksOutcomeNotFound: 'Not found',
  StuckTasksOutcomeFailed: 'Failed',

  StuckTasksTabsLabel: 'Stuck tasks views',
  StuckTasksTabCurrent: 'Stuck tasks',
  StuckTasksTabHistory: 'History',

  StuckTasksFiltersHeading: 'Filter',
  StuckTasksFilterQueue: 'Queue',
  StuckTasksFilterStatus: 'Status',
  StuckTasksFilterKind: 'List',
  StuckTasksFilterCallStatus: 'Call status',
  StuckTasksFilterAgent: 'Agent',
  StuckTasksFilterMinAge: 'Older than (minutes)',
  StuckTasksFilterMaxAge: 'At most (minutes old)',
  StuckTasksFilterText: 'Task or call SID',
  StuckTasksFilterTextHelp: 'Part of a task SID or of any call leg’s SID.',
  StuckTasksFilterAgeInvalid: 'Enter a whole number of minutes, or leave it empty.',
  StuckTasksFilterAny: 'Any',
  StuckTasksFilterClear: 'Clear filters',
  StuckTasksKindCallEnded: 'Stuck tasks',
  StuckTasksKindWrapupOverdue: 'Overdue wrap-ups',
  StuckTasksKindConversationClosed: 'Ended conversations',
  StuckTasksKindNeedsReview: 'Needs review',
  StuckTasksFilterResult:
    'Showing {{suspects}} of {{suspectsTotal}} suspects and {{review}} of {{reviewTotal}} tasks needing review.',
  StuckTasksFilterResultAll: 'Showing all {{suspects}} suspects and {{review}} tasks needing review.',
  StuckTasksShownOfTotal: '{{shown}} of {{total}} shown',
  StuckTasksSelectAllShown: 'Select all {{count}} shown stuck tasks',
  StuckTasksSelectAllShownWrapups: 'Select all {{count}} shown overdue wrap-ups',
  StuckTasksSelectAllShownMessaging: 'Select all {{count}} shown ended conversations',
  StuckTasksSelectAllFilterHelp:
    'Under a filter, the select-all box selects only the rows shown; tasks selected before stay selected.',
  StuckTasksSelectedHidden: '{{hidden}} of the selected tasks are hidden by the filter; closing includes them.',
  StuckTasksBulkDialogHidden:
    '{{hidden}} of these {{count}} tasks are outside the current filter, selected earlier. They are closed too.',

  StuckTasksExportSuspects: 'Export shown suspects (CSV)',
  StuckTasksExportNeedsReview: 'Export shown needs review (CSV)',
  StuckTasksExportResults: 'Export results (CSV)',
  StuckTasksExportHistory: 'Export history (CSV)',

  StuckTasksOutageHeading: 'Where the outage hit',
  StuckTasksOutageByQueue: 'Suspects by queue and status',
  StuckTasksOutageByHour: 'Suspects by the hour their call ended',
  StuckTasksOutageByQueueSummary: '{{total}} suspects in {{queues}} queues; most in {{top}} ({{topCount}}).',
  StuckTasksOutageByHourSummary:
    'Calls ended between {{first}} and {{last}}; the busiest hour is {{peak}} ({{peakCount}}).',
  StuckTasksOutageUnknownEnd: 'Without a known end: {{count}}.',
  StuckTasksOutageEarlier: 'Ended earlier than shown: {{count}}.',
  StuckTasksColumnHour: 'Hour',
  StuckTasksColumnCount: 'Suspects',
  StuckTasksColumnTotal: 'Total',

  StuckTasksHistoryHeading: 'History of closures',
  StuckTasksHistoryHelp:
    'Tasks this tool closed (from the view or the command line), read from TaskRouter’s events, which Twilio keeps for 30 days. Closures made by anyone else are not listed.',
  StuckTasksHistoryDays: 'Days',
  StuckTasksHistoryDaysOption: 'Last {{days}} days',
  StuckTasksHistoryDayOption: 'Last day',
  StuckTasksHistoryLoading: 'Loading history…',
  StuckTasksHistoryCount: '{{count}} closures in the last {{days}} days.',
  StuckTasksHistoryCountMore: '{{count}} closures loaded from the last {{days}} days; more are available.',
  StuckTasksHistoryEmpty: 'No closures by this tool in the last {{days}} days.',
  StuckTasksHistoryLoadMore: 'Load more',
  StuckTasksHistoryRefresh: 'Refresh',
  StuckTasksColumnWhen: 'When',
  StuckTasksColumnWho: 'Who',
  StuckTasksColumnChannel: 'Channel',

  StuckTasksOrphansHeading: 'Conversations without an open task',
  StuckTasksOrphansHelp:
    'Conversations still going (active or inactive) that no open or wrapping task names, unchanged for longer than the grace period: nobody in Flex is answering them. Listed for review only: this tool never closes a conversation, because the customer may still be writing. If someone should answer, route the conversation to an agent again; if it is over, close it in the Twilio Console (Conversations, Manage, set its state to closed) or through the Conversations API.',
  StuckTasksOrphansLoading: 'Looking for conversations without an open task…',
  StuckTasksOrphansCount: '{{count}} conversations without an open task, of {{scanned}} still going.',
  StuckTasksOrphansEmpty: 'No conversation is going without an open task ({{scanned}} still going).',
  StuckTasksColumnConversation: 'Conversation',
  StuckTasksColumnName: 'Name',
  StuckTasksColumnState: 'State',
  StuckTasksColumnIdle: 'Idle for',
  StuckTasksColumnLastChange: 'Last change',
  StuckTasksConversationActive: 'Active',
  StuckTasksConversationInactive: 'Inactive',

  StuckTasksPanelLabel: 'Task review',
  StuckTasksPanelHeading: 'Task {{taskSid}}',
  StuckTasksPanelClose: 'Close task review',
  StuckTasksPanelLoading: 'Loading task…',
  StuckTasksSectionTask: 'Task',
  StuckTasksSectionAttributes: 'Attributes',
  StuckTasksSectionCall: 'Call',
  StuckTasksSectionReservations: 'Reservations',
  StuckTasksSectionLegs: 'Call legs',
  StuckTasksSectionVerdict: 'Verdict',
  StuckTasksFieldSid: 'SID',
  StuckTasksFieldStatus: 'Status',
  StuckTasksFieldChannel: 'Channel',
  StuckTasksFieldQueue: 'Queue',
  StuckTasksFieldWorkflow: 'Workflow',
  StuckTasksFieldCreated: 'Created',
  StuckTasksFieldUpdated: 'Updated',
  StuckTasksFieldAge: 'Age',
  StuckTasksFieldPriority: 'Priority',
  StuckTasksFieldReason: 'Reason',
  StuckTasksFieldCallStatus: 'Status',
  StuckTasksFieldDirection: 'Direction',
  StuckTasksFieldFrom: 'From',
  StuckTasksFieldTo: 'To',
  StuckTasksFieldStarted: 'Started',
  StuckTasksFieldEnded: 'Ended',
  StuckTasksFieldDuration: 'Duration',
  StuckTasksFieldWorker: 'Worker',
  StuckTasksFieldAgent: 'Agent',
  StuckTasksColumnRole: 'Role',
  StuckTasksColumnCallSid: 'Call SID',
  StuckTasksColumnLegStatus: 'Status',
  StuckTasksColumnLegEnded: 'Ended',
  StuckTasksLegRoleCallSid: 'Task call (call_sid)',
  StuckTasksLegRoleCustomer: 'Customer',
  StuckTasksLegRoleWorker: 'Agent',
  StuckTasksLegPrimary: 'Primary',
  StuckTasksLegUnknownCall: 'Twilio does not know this call',
  StuckTasksLegNotACallSid: 'Not a call SID',
  StuckTasksLegNotEnded: 'Not ended',
  StuckTasksNoLegs: 'The task names no call leg.',
  StuckTasksNoCall: 'No call could be found for this task.',
  StuckTasksNoReservations: 'No reservations.',
  StuckTasksAttributesNotObject: 'The attributes are not a JSON object.',
  StuckTasksVerdictStuck: 'Stuck: the call has ended but the task is still open.',
  StuckTasksVerdictWrapupOverdue:
    'Stuck: overdue wrap-up. Every call leg ended long ago but the task is still in wrap-up, for example because the agent closed the browser. Completing it frees the agent.',
  StuckTasksVerdictConversationClosed:
    'Stuck: the conversation has ended but the task is still open. Closing closes its interaction channel.',
  StuckTasksVerdictNeedsReview: 'Needs review: {{problem}}',
  StuckTasksVerdictActive: 'Active: the call is live or ended moments ago. Nothing to do.',
  StuckTasksVerdictNotVoice: 'Not a voice task. This tool leaves it alone.',
  StuckTasksVerdictClosed: 'Already closed. Nothing to do.',
  StuckTasksProposedAction: 'Proposed action: {{action}}',
  StuckTasksCancelTask: 'Cancel task',
  StuckTasksCompleteTask: 'Complete task',
  StuckTasksForceCancelTask: 'Force cancel task',
  StuckTasksForceCompleteTask: 'Force complete task',
  StuckTasksCancelDialogHeading: 'Cancel this task?',
  StuckTasksCompleteDialogHeading: 'Complete this task?',
  StuckTasksSingleDialogBody:
    'Task {{taskSid}} ({{status}}) will be {{outcome}}. It is checked once more just before, and left open if its call is live again.',
  StuckTasksForceDialogHeading: 'Force close a task that needs review?',
  StuckTasksForceDialogBody:
    'This task could not be checked automatically: {{problem}} If its caller is in fact still connected, closing it removes the conversation from the agent and from reporting while the call goes on. Continue only if you have confirmed the call is over.',
  StuckTasksForceDialogConfirm: 'Force close',
  StuckTasksSingleOutcome: '{{outcome}}: {{message}}',
} as const;

export type StringKey = keyof typeof DEFAULT_STRINGS;

export type TemplateValues = Record<string, string | number>;

/** Renders one of the plugin's strings with its placeholders filled. */
export type Translate = (key: StringKey, values?: TemplateValues) => string;

/** A lookup that reads the current templates on each call, so late overrides still apply. */
export function createTranslator(getTemplates: () => Readonly<Record<string, string | undefined>>): Translate {
  return (key, values) => {
    const template = getTemplates()[key] ?? DEFAULT_STRINGS[key];
    return fillTemplate(template, values);
  };
}

// What `toLocaleString()` gives, built once: V8 builds a formatter on every `toLocaleString` call,
// and a page of table rows fills thousands of templates at each filter change.
const NUMBER_FORMAT = new Intl.NumberFormat();

/** A number written the reader's way (2,000 rather than 2000), as `toLocaleString()` writes it. */
export const formatNumber = (value: number): string => NUMBER_FORMAT.format(value);

/** Fills `{{name}}` placeholders; numbers are written the reader's way (2,000 rather than 2000). */
export function fillTemplate(template: string, values: TemplateValues = {}): string {
  if (!template.includes('{{')) return template;
  return template.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) return '';
    return typeof value === 'number' ? formatNumber(value) : value;
  });
}

/** The same numbers, ready for a template rendered elsewhere (Flex's notification templates). */
export function formatTemplateValues(values: Record<string, number>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, formatNumber(value)]));
}

/** Adds the defaults for every key the host does not define yet; existing overrides win. */
export function withDefaultStrings<T extends object>(existing: T): typeof DEFAULT_STRINGS & T {
  return { ...DEFAULT_STRINGS, ...existing };
}
