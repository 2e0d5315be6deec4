import * as React from 'react';
import { render } from '@testing-library/react';
import { Theme } from '@twilio-paste/core/theme';
import { createStuckTasksApi } from '../api/client';
import { StuckTasksView } from '../components/StuckTasksView';
import type { OutcomeSummary } from '../model/suspects';
import { createTranslator } from '../strings';
import type { FakeFunctions } from './fakeFunctions';
import { FAST_RETRY, SERVICE_URL } from './fakeFunctions';

export interface RenderedView {
  service: FakeFunctions;
  summaries: OutcomeSummary[];
  token: { current: string };
  unmount: () => void;
}

/** Renders the view the way Flex would show it (Paste's Flex theme), talking to `service` over fetch. */
export function renderView(service: FakeFunctions, options: { strings?: Record<string, string> } = {}): RenderedView {
  const token = { current: 'flex-token-1' };
  const summaries: OutcomeSummary[] = [];
  const api = createStuckTasksApi({
    serviceUrl: SERVICE_URL,
    getToken: () => token.current,
    fetch: service.fetch,
    retry: FAST_RETRY,
  });
  const t = createTranslator(() => options.strings ?? {});
  const { unmount } = render(
    <Theme.Provider theme="flex" disableAnimations>
      <StuckTasksView api={api} t={t} onCloseSummary={(summary) => summaries.push(summary)} />
    </Theme.Provider>,
  );
  return { service, summaries, token, unmount };
}
