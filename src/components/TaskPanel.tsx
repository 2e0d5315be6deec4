import * as React from 'react';
import { Alert } from '@twilio-paste/core/alert';
import { Badge } from '@twilio-paste/core/badge';
import { AlertDialog } from '@twilio-paste/core/alert-dialog';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import {
  DescriptionList,
  DescriptionListDetails,
  DescriptionListSet,
  DescriptionListTerm,
} from '@twilio-paste/core/description-list';
import { Heading } from '@twilio-paste/core/heading';
import { Paragraph } from '@twilio-paste/core/paragraph';
import {
  SideModal,
  SideModalBody,
  SideModalContainer,
  SideModalFooter,
  SideModalFooterActions,
  SideModalHeader,
  SideModalHeading,
  useSideModalState,
} from '@twilio-paste/core/side-modal';
import { Spinner } from '@twilio-paste/core/spinner';
import { Stack } from '@twilio-paste/core/stack';
import { Table, TBody, Td, Th, THead, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import type { CloseAction, CloseResult, LegDetails, TaskDetailResponse } from '@plugin-stuck-tasks/contract';
import { CALL_SID_PATTERN, LIVE_CALL_STATUSES } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from '../api/client';
import { describeApiError } from '../api/describeError';
import {
  actionLabel,
  callStatusLabel,
  formatDuration,
  formatInstant,
  legRoleLabel,
  outcomeLabel,
  problemText,
  statusLabel,
  verdictText,
} from '../model/labels';
import type { Translate } from '../strings';
import { StatusBadge } from './Badges';
import { useTranslate } from './StringsContext';

export interface TaskPanelProps {
  taskSid: string;
  api: StuckTasksApi;
  onDismiss: () => void;
  onClosed: (result: CloseResult) => void;
}

type Detail =
  { state: 'loading' } | { state: 'failed'; message: string } | { state: 'loaded'; response: TaskDetailResponse };

/**
 * Per-task review in a Paste side modal. Non-modal on purpose: the supervisor can keep the list in view
 * and open another task without closing this one first.
 */
export const TaskPanel: React.FC<TaskPanelProps> = ({ taskSid, api, onDismiss, onClosed }) => {
  const t = useTranslate();
  const dialog = useSideModalState({ visible: true, modal: false });
  const wasVisible = React.useRef(dialog.visible);
  const [detail, setDetail] = React.useState<Detail>({ state: 'loading' });
  const [reloads, setReloads] = React.useState(0);
  const [confirming, setConfirming] = React.useState(false);
  const [closing, setClosing] = React.useState(false);
  const [result, setResult] = React.useState<CloseResult | null>(null);
  const resultRef = React.useRef<HTMLDivElement>(null);

  React.useEffect(() => {
    if (wasVisible.current && !dialog.visible) onDismiss();
    wasVisible.current = dialog.visible;
  }, [dialog.visible, onDismiss]);

  React.useEffect(() => {
    setResult(null);
  }, [taskSid]);

  // The button that opened the confirmation is busy while closing, so focus would fall back to the
  // page body; the outcome is where the supervisor's attention (and keyboard) belongs next.
  React.useEffect(() => {
    if (result) resultRef.current?.focus();
  }, [result]);

  React.useEffect(() => {
    const controller = new AbortController();
    setDetail({ state: 'loading' });
    api.inspectTask(taskSid, controller.signal).then(
      (response) => {
        if (!controller.signal.aborted) setDetail({ state: 'loaded', response });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setDetail({ state: 'failed', message: describeApiError(error, t) });
      },
    );
    return () => controller.abort();
  }, [api, taskSid, reloads, t]);

  const loaded = detail.state === 'loaded' ? detail.response : null;
  const force = loaded?.verdict === 'needs_review';
  // The server's decision (engine/rules.ts), also for a needs-review task's forced close; no copy of the rule here.
  const action: CloseAction | null = loaded?.action ?? null;
  const canClose = loaded !== null && action !== null && (loaded.verdict === 'stuck' || force);

  const close = async () => {
    setConfirming(false);
    setClosing(true);
    let closeResult: CloseResult;
    try {
      const [first] = await api.closeTasks([taskSid], { force });
      closeResult = first ?? { taskSid, outcome: 'failed', message: t('StuckTasksMissingResult') };
    } catch (error) {
      closeResult = { taskSid, outcome: 'failed', message: describeApiError(error, t) };
    }
    setClosing(false);
    setResult(closeResult);
    onClosed(closeResult);
    setReloads((count) => count + 1);
  };

  return (
    <SideModalContainer state={dialog}>
      <SideModal aria-label={t('StuckTasksPanelLabel')}>
        <SideModalHeader i18nDismissLabel={t('StuckTasksPanelClose')}>
          <SideModalHeading>{t('StuckTasksPanelHeading', { taskSid })}</SideModalHeading>
        </SideModalHeader>
        <SideModalBody>
          <Box aria-live="polite">
            {result ? (
              <Box marginBottom="space60" ref={resultRef} tabIndex={-1} _focus={{ outline: 'none' }}>
                <Alert variant={result.outcome === 'failed' ? 'error' : 'neutral'}>
                  <Text as="span">
                    {t('StuckTasksSingleOutcome', {
                      outcome: outcomeLabel(result.outcome, t),
                      message: result.message,
                    })}
                  </Text>
                </Alert>
              </Box>
            ) : null}
          </Box>
          {detail.state === 'loading' ? (
            <Box display="flex" columnGap="space30" alignItems="center">
              <Spinner decorative />
              <Text as="span">{t('StuckTasksPanelLoading')}</Text>
            </Box>
          ) : null}
          {detail.state === 'failed' ? (
            <Stack orientation="vertical" spacing="space40">
              <Alert variant="error">
                <Text as="span">{detail.message}</Text>
              </Alert>
              <Box>
                <Button variant="secondary" onClick={() => setReloads((count) => count + 1)}>
                  {t('StuckTasksTryAgain')}
                </Button>
              </Box>
            </Stack>
          ) : null}
          {loaded ? <TaskDetails response={loaded} t={t} /> : null}
        </SideModalBody>
        {canClose && action ? (
          <SideModalFooter>
            <SideModalFooterActions>
              <Button
                variant={force ? 'destructive' : 'primary'}
                loading={closing}
                disabled={closing}
                onClick={() => setConfirming(true)}
              >
                {t(closeButtonLabel(action, force))}
              </Button>
            </SideModalFooterActions>
          </SideModalFooter>
        ) : null}
      </SideModal>
      {loaded && action ? (
        <SingleCloseDialog
          isOpen={confirming}
          force={force}
          action={action}
          response={loaded}
          onConfirm={close}
          onDismiss={() => setConfirming(false)}
        />
      ) : null}
    </SideModalContainer>
  );
};

function closeButtonLabel(action: CloseAction, force: boolean) {
  if (action === 'close_interaction') return 'StuckTasksCloseInteractionTask';
  if (force) return action === 'complete' ? 'StuckTasksForceCompleteTask' : 'StuckTasksForceCancelTask';
  return action === 'complete' ? 'StuckTasksCompleteTask' : 'StuckTasksCancelTask';
}

interface SingleCloseDialogProps {
  isOpen: boolean;
  force: boolean;
  action: CloseAction;
  response: TaskDetailResponse;
  onConfirm: () => void;
  onDismiss: () => void;
}

const SingleCloseDialog: React.FC<SingleCloseDialogProps> = ({
  isOpen,
  force,
  action,
  response,
  onConfirm,
  onDismiss,
}) => {
  const t = useTranslate();
  const { task } = response;
  const outcome = outcomeLabel(action === 'complete' ? 'completed' : 'canceled', t).toLowerCase();
  const body = t('StuckTasksSingleDialogBody', {
    taskSid: task.taskSid,
    status: statusLabel(task.assignmentStatus, t),
    outcome,
  });
  if (force) {
    return (
      <AlertDialog
        heading={t('StuckTasksForceDialogHeading')}
        isOpen={isOpen}
        onConfirm={onConfirm}
        onConfirmLabel={t('StuckTasksForceDialogConfirm')}
        onDismiss={onDismiss}
        onDismissLabel={t('StuckTasksDialogDismiss')}
        destructive
      >
        <Paragraph>
          {t('StuckTasksForceDialogBody', { problem: response.problem ? problemText(response.problem, t) : '' })}
        </Paragraph>
        <Paragraph marginBottom="space0">{body}</Paragraph>
      </AlertDialog>
    );
  }
  return (
    <AlertDialog
      heading={t(action === 'complete' ? 'StuckTasksCompleteDialogHeading' : 'StuckTasksCancelDialogHeading')}
      isOpen={isOpen}
      onConfirm={onConfirm}
      onConfirmLabel={t(action === 'complete' ? 'StuckTasksCompleteTask' : 'StuckTasksCancelTask')}
      onDismiss={onDismiss}
      onDismissLabel={t('StuckTasksDialogDismiss')}
    >
      <Paragraph marginBottom="space0">{body}</Paragraph>
    </AlertDialog>
  );
};

const TaskDetails: React.FC<{ response: TaskDetailResponse; t: Translate }> = ({ response, t }) => {
  const { task, call, reservations, verdict, problem, action, kind } = response;
  // A server older than the contract sends no legs; show the section empty rather than fail.
  const legs = response.legs ?? [];
  const unknown = t('StuckTasksUnknown');
  // A messaging task: its conversation and interaction channel stand where a call's details would.
  const conversation = response.conversation ?? null;
  const channel = response.interactionChannel ?? null;

  return (
    <Stack orientation="vertical" spacing="space70">
      <Section title={t('StuckTasksSectionVerdict')}>
        <Paragraph marginBottom="space0">{verdictText(verdict, problem, t, kind)}</Paragraph>
        {action ? (
          <Text as="p" marginTop="space30" fontWeight="fontWeightSemibold">
            {t('StuckTasksProposedAction', { action: actionLabel(action, t) })}
          </Text>
        ) : null}
      </Section>

      <Section title={t('StuckTasksSectionTask')}>
        <Fields
          rows={[
            [t('StuckTasksFieldSid'), <Code key="sid">{task.taskSid}</Code>],
            [t('StuckTasksFieldStatus'), <StatusBadge key="status" status={task.assignmentStatus} />],
            [
              t('StuckTasksFieldAgent'),
              response.workerSid === null
                ? t('StuckTasksNoAgent')
                : response.workerName
                  ? `${response.workerName} (${response.workerSid})`
                  : response.workerSid,
            ],
            [t('StuckTasksFieldChannel'), task.taskChannel],
            [t('StuckTasksFieldQueue'), task.taskQueueName ?? t('StuckTasksNoQueue')],
            [t('StuckTasksFieldWorkflow'), task.workflowName ?? unknown],
            [t('StuckTasksFieldCreated'), formatInstant(task.dateCreated) ?? unknown],
            [t('StuckTasksFieldUpdated'), formatInstant(task.dateUpdated) ?? unknown],
            [t('StuckTasksFieldAge'), formatDuration(task.ageSeconds, t)],
            [t('StuckTasksFieldPriority'), task.priority === null ? unknown : String(task.priority)],
            [t('StuckTasksFieldReason'), task.reason ?? t('StuckTasksNone')],
          ]}
        />
      </Section>

      {conversation ? (
        <Section title={t('StuckTasksConversationHeading')}>
          {conversation.state === null ? (
            <Paragraph marginBottom="space0">{t('StuckTasksConversationGone')}</Paragraph>
          ) : null}
          <Fields
            rows={[
              [t('StuckTasksFieldSid'), <Code key="sid">{conversation.conversationSid}</Code>],
              [t('StuckTasksFieldStatus'), conversation.state ?? unknown],
              [t('StuckTasksFieldEnded'), formatInstant(conversation.dateClosed) ?? unknown],
              [t('StuckTasksFieldUpdated'), formatInstant(conversation.dateUpdated) ?? unknown],
            ]}
          />
        </Section>
      ) : null}

      {channel ? (
        <Section title={t('StuckTasksInteractionChannelHeading')}>
          {channel.status === null ? (
            <Paragraph marginBottom="space0">{t('StuckTasksInteractionChannelGone')}</Paragraph>
          ) : null}
          <Fields
            rows={[
              [t('StuckTasksFieldSid'), <Code key="sid">{channel.channelSid}</Code>],
              [t('StuckTasksFieldInteraction'), <Code key="interaction">{channel.interactionSid}</Code>],
              [t('StuckTasksFieldStatus'), channel.status ?? unknown],
              [t('StuckTasksFieldChannel'), channel.type ?? unknown],
            ]}
          />
        </Section>
      ) : null}

      {conversation ? null : (
        <Section title={t('StuckTasksSectionCall')}>
          {call ? (
            <Fields
              rows={[
                [t('StuckTasksFieldSid'), <Code key="sid">{call.callSid}</Code>],
                [t('StuckTasksFieldCallStatus'), callStatusLabel(call.status, t)],
                [t('StuckTasksFieldDirection'), call.direction ?? unknown],
                [t('StuckTasksFieldFrom'), call.from ?? unknown],
                [t('StuckTasksFieldTo'), call.to ?? unknown],
                [t('StuckTasksFieldStarted'), formatInstant(call.startTime) ?? unknown],
                [t('StuckTasksFieldEnded'), formatInstant(call.endTime) ?? unknown],
                [
                  t('StuckTasksFieldDuration'),
                  call.durationSeconds === null ? unknown : formatDuration(call.durationSeconds, t),
                ],
              ]}
            />
          ) : (
            <Paragraph marginBottom="space0">{t('StuckTasksNoCall')}</Paragraph>
          )}
        </Section>
      )}

      {conversation ? null : (
        <Section title={t('StuckTasksSectionLegs')}>
          {legs.length === 0 ? (
            <Paragraph marginBottom="space0">{t('StuckTasksNoLegs')}</Paragraph>
          ) : (
            <LegsTable legs={legs} t={t} />
          )}
        </Section>
      )}

      <Section title={t('StuckTasksSectionReservations')}>
        {reservations.length === 0 ? (
          <Paragraph marginBottom="space0">{t('StuckTasksNoReservations')}</Paragraph>
        ) : (
          <Fields
            rows={reservations.map((reservation) => [
              reservation.workerName ?? reservation.workerSid,
              <Box key={reservation.workerSid} display="flex" columnGap="space30" alignItems="center">
                <Text as="span">{reservation.status}</Text>
                <Code>{reservation.workerSid}</Code>
              </Box>,
            ])}
          />
        )}
      </Section>

      <Section title={t('StuckTasksSectionAttributes')}>
        {task.attributes ? (
          // A long attribute line scrolls sideways: keyboard users reach the scroll through tabIndex, and the
          // region is named so a screen reader says what they landed on.
          <Box
            as="pre"
            tabIndex={0}
            role="region"
            aria-label={t('StuckTasksSectionAttributes')}
            backgroundColor="colorBackground"
            borderRadius="borderRadius20"
            padding="space40"
            overflowX="auto"
            fontFamily="fontFamilyCode"
            fontSize="fontSize20"
            margin="space0"
          >
            {JSON.stringify(task.attributes, null, 2)}
          </Box>
        ) : (
          <Paragraph marginBottom="space0">{t('StuckTasksAttributesNotObject')}</Paragraph>
        )}
      </Section>
    </Stack>
  );
};

/** Every leg the task names, the primary (listed first by the server) marked. */
const LegsTable: React.FC<{ legs: readonly LegDetails[]; t: Translate }> = ({ legs, t }) => (
  <Table scrollHorizontally aria-label={t('StuckTasksSectionLegs')}>
    <THead>
      <Tr>
        <Th>{t('StuckTasksColumnRole')}</Th>
        <Th>{t('StuckTasksColumnCallSid')}</Th>
        <Th>{t('StuckTasksColumnLegStatus')}</Th>
        <Th>{t('StuckTasksColumnLegEnded')}</Th>
      </Tr>
    </THead>
    <TBody>
      {legs.map((leg, index) => (
        <Tr key={`${leg.role}-${leg.callSid}`}>
          <Td>
            <Box display="flex" flexWrap="wrap" columnGap="space20" rowGap="space10" alignItems="center">
              <Text as="span">{legRoleLabel(leg.role, t)}</Text>
              {index === 0 ? (
                <Badge as="span" variant="neutral">
                  {t('StuckTasksLegPrimary')}
                </Badge>
              ) : null}
            </Box>
          </Td>
          <Td>
            <Box overflowWrap="anywhere">
              <Code>{leg.callSid}</Code>
            </Box>
          </Td>
          <Td>{legStatusText(leg, t)}</Td>
          <Td>{legEndedText(leg, t)}</Td>
        </Tr>
      ))}
    </TBody>
  </Table>
);

function legStatusText(leg: LegDetails, t: Translate): string {
  if (leg.call) return callStatusLabel(leg.call.status, t);
  // A value that is not a Call SID names no call at all; a Call SID without a call is one Twilio lost (404).
  return t(CALL_SID_PATTERN.test(leg.callSid) ? 'StuckTasksLegUnknownCall' : 'StuckTasksLegNotACallSid');
}

function legEndedText(leg: LegDetails, t: Translate): string {
  if (!leg.call) return t('StuckTasksNone');
  const ended = formatInstant(leg.call.endTime);
  if (ended) return ended;
  return t(LIVE_CALL_STATUSES.includes(leg.call.status) ? 'StuckTasksLegNotEnded' : 'StuckTasksUnknown');
}

const Section: React.FC<{ title: string }> = ({ title, children }) => (
  <Box as="section">
    <Heading as="h3" variant="heading50">
      {title}
    </Heading>
    {children}
  </Box>
);

const Fields: React.FC<{ rows: [string, React.ReactNode][] }> = ({ rows }) => (
  <DescriptionList>
    {rows.map(([term, details], index) => (
      <DescriptionListSet key={`${term}-${index}`}>
        <DescriptionListTerm>{term}</DescriptionListTerm>
        <DescriptionListDetails>{details}</DescriptionListDetails>
      </DescriptionListSet>
    ))}
  </DescriptionList>
);

const Code: React.FC = ({ children }) => (
  <Text as="span" fontFamily="fontFamilyCode" fontSize="fontSize20">
    {children}
  </Text>
);
