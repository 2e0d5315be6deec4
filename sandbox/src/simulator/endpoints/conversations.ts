import { renderConversation } from '../render';
import { notFound } from '../twilio-errors';
import type { ApiAnswer, ApiRequest } from './request';

/** GET /v1/Conversations/{CH} (conversations.twilio.com): a deleted conversation answers 404. */
export function fetchConversation(request: ApiRequest, conversationSid: string): ApiAnswer {
  const { core, baseUrl, url } = request;
  const conversation = core.store.conversations.get(conversationSid);
  core.store.recordMessagingFetch(
    'conversation',
    conversationSid,
    conversation?.state ?? null,
    conversation?.dateClosed ?? null,
    core.now(),
  );
  if (!conversation) throw notFound(url.pathname);
  return { status: 200, body: renderConversation(conversation, core.store, { base: baseUrl }) };
}
