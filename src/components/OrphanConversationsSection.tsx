import * as React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Heading } from '@twilio-paste/core/heading';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Td, Tr } from '@twilio-paste/core/table';
import { Text } from '@twilio-paste/core/text';
import type { OrphanConversation, OrphanConversationsResponse } from '@plugin-stuck-tasks/contract';
import type { StuckTasksApi } from '../api/client';
import { formatDuration, formatInstant } from '../model/labels';
import { ApiErrorAlert } from './ApiErrorAlert';
import { PagedTable } from './PagedTable';
import { usePaged } from './Pager';
import { useTranslate } from './StringsContext';

export interface OrphanConversationsSectionProps {
  api: StuckTasksApi;
  /** Loads (again) each time this changes to a new number: one load per finished scan. Null: not yet. */
  loadKey: number | null;
}

interface OrphansState {
  conversations: OrphanConversation[];
  scanned: number;
  loading: boolean;
  loaded: boolean;
  error: unknown;
}

const INITIAL: OrphansState = { conversations: [], scanned: 0, loading: false, loaded: false, error: null };

const HEADING_ID = 'stuck-tasks-orphans-heading';

/**
 * Reverse orphans: conversations still going that no open task names, every page of them, loaded
 * after each scan. Review only: no selection and no close; the help text says what to do instead.
 */
export const OrphanConversationsSection: React.FC<OrphanConversationsSectionProps> = ({ api, loadKey }) => {
  const t = useTranslate();
  const [state, setState] = React.useState<OrphansState>(INITIAL);
  const request = React.useRef<AbortController | null>(null);
  React.useEffect(() => () => request.current?.abort(), []);

  const load = React.useCallback(async () => {
    request.current?.abort();
    const controller = new AbortController();
    request.current = controller;
    setState({ ...INITIAL, loading: true });
    const conversations: OrphanConversation[] = [];
    let scanned = 0;
    let pageToken: string | null = null;
    try {
      do {
        const page: OrphanConversationsResponse = await api.orphanConversations(pageToken, controller.signal);
        if (controller.signal.aborted) return;
        conversations.push(...page.conversations);
        scanned += page.counts.scanned;
        pageToken = page.nextPageToken;
      } while (pageToken !== null);
      setState({ conversations, scanned, loading: false, loaded: true, error: null });
    } catch (error) {
      if (!controller.signal.aborted) setState({ conversations, scanned, loading: false, loaded: false, error });
    }
  }, [api]);

  React.useEffect(() => {
    if (loadKey !== null) void load();
  }, [loadKey, load]);

  const paged = usePaged(state.conversations, loadKey);
  if (loadKey === null) return null;

  let statusText = '';
  if (state.loading) statusText = t('StuckTasksOrphansLoading');
  else if (state.loaded && state.conversations.length === 0)
    statusText = t('StuckTasksOrphansEmpty', { scanned: state.scanned });
  else if (state.loaded)
    statusText = t('StuckTasksOrphansCount', { count: state.conversations.length, scanned: state.scanned });

  return (
    <Box as="section" aria-labelledby={HEADING_ID}>
      <Heading as="h2" variant="heading30" id={HEADING_ID}>
        {t('StuckTasksOrphansHeading')}
        {state.loaded ? ` (${state.conversations.length})` : ''}
      </Heading>
      <Paragraph>{t('StuckTasksOrphansHelp')}</Paragraph>
      {/* Announced as it changes; not role="status", which the view keeps for the scan's progress. */}
      <Text as="p" aria-live="polite" marginBottom="space40">
        {statusText}
      </Text>
      {state.error ? <ApiErrorAlert error={state.error} onRetry={() => void load()} /> : null}
      {state.conversations.length > 0 ? (
        <PagedTable
          label={t('StuckTasksOrphansHeading')}
          columns={[
            t('StuckTasksColumnConversation'),
            t('StuckTasksColumnName'),
            t('StuckTasksColumnState'),
            t('StuckTasksColumnIdle'),
            t('StuckTasksColumnLastChange'),
          ]}
          paged={paged}
          renderRow={(conversation) => <OrphanRow key={conversation.conversationSid} conversation={conversation} />}
        />
      ) : null}
    </Box>
  );
};

const OrphanRow = React.memo(function OrphanRow({ conversation }: { conversation: OrphanConversation }) {
  const t = useTranslate();
  return (
    <Tr>
      <Td>
        <Text as="span" fontFamily="fontFamilyCode" fontSize="fontSize20">
          {conversation.conversationSid}
        </Text>
      </Td>
      <Td>{conversation.friendlyName ?? t('StuckTasksNone')}</Td>
      <Td>{t(conversation.state === 'active' ? 'StuckTasksConversationActive' : 'StuckTasksConversationInactive')}</Td>
      <Td>{formatDuration(conversation.idleSeconds, t)}</Td>
      <Td>
        <Text as="span" whiteSpace="nowrap">
          <time dateTime={conversation.dateUpdated}>
            {formatInstant(conversation.dateUpdated) ?? conversation.dateUpdated}
          </time>
        </Text>
      </Td>
    </Tr>
  );
});
