/**
 * The sandbox page: the real Flex UI (the installed @twilio/flex-ui, bundled for the browser) booted
 * offline for one sandbox user, with the real plugin bundles loaded through Flex's own plugin manager.
 */
import * as React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactRedux from 'react-redux';
import * as Redux from '@twilio/flex-ui/node_modules/redux';
import * as Flex from '@twilio/flex-ui';

import type { HostSession } from '../session';
import {
  assertPinnedVersion,
  createFlexStore,
  createManager,
  loadPluginsThroughFlex,
  logIn,
  type PluginLoadResult,
} from './flexInternals';
import { UserSwitcher } from './UserSwitcher';

/** Flex's own loader waits 10 s; a busy machine may need longer to download and initialise a bundle. */
const PLUGIN_INIT_TIMEOUT_MS = 60_000;
const PLUGIN_FAILED_NOTIFICATION = 'SandboxPluginFailed';

/** What the browser tests read: whether the page booted Flex, and how its plugins fared. */
export interface SandboxStatus {
  state: 'booting' | 'ready' | 'failed';
  error?: string;
  plugins?: PluginLoadResult[];
  /** ms from navigation start until Flex rendered with its plugins initialised. */
  readyAfterMs?: number;
}

declare global {
  interface Window {
    sandboxStatus: SandboxStatus;
  }
}

/** Flex's router drops the query string as soon as it navigates, so the tab remembers its user. */
const USER_STORAGE_KEY = 'stuck-tasks-sandbox-user';

async function fetchSession(): Promise<HostSession> {
  const requested = new URLSearchParams(window.location.search).get('user');
  const user = requested ?? window.sessionStorage.getItem(USER_STORAGE_KEY) ?? '';
  const response = await fetch(`/_host/session?user=${encodeURIComponent(user)}`);
  if (!response.ok) throw new Error(`The sandbox server refused the session: ${await response.text()}`);
  const session = (await response.json()) as HostSession;
  window.sessionStorage.setItem(USER_STORAGE_KEY, session.user.key);
  return session;
}

function registerHostContent(session: HostSession): void {
  Flex.MainHeader.Content.add(<UserSwitcher key="sandbox-user-switcher" session={session} />, {
    sortOrder: -1,
    align: 'end',
  });
  Flex.Notifications.registerNotification({
    id: PLUGIN_FAILED_NOTIFICATION,
    type: Flex.NotificationType.error,
    timeout: 0,
    content: 'Plugin {{name}} did not initialise ({{state}}){{error}}. See the browser console.',
  });
}

async function start(): Promise<void> {
  window.sandboxStatus = { state: 'booting' };
  const container = document.getElementById('container');
  if (!container) throw new Error('No #container element');
  assertPinnedVersion();
  // A flex-plugin-scripts bundle takes these from the page (webpack externals) and Flex from Twilio.Flex.
  window.React = React;
  window.ReactDOM = ReactDOM;
  window.Redux = Redux as unknown as Window['Redux'];
  window.ReactRedux = ReactRedux;
  window.Twilio = { ...window.Twilio, Flex };

  const session = await fetchSession();
  const { user } = session;
  const store = createFlexStore();
  const manager = createManager(
    store,
    {
      language: 'en-US',
      logLevel: 'error',
      disableTelemetry: true,
      disableBrowserVoice: true,
      initialDeviceCheck: false,
      sso: { accountSid: session.serviceConfiguration.account_sid },
      pluginService: { enabled: true },
      router: { type: 'browser' },
      // Desktop notifications announce incoming tasks, which the sandbox has none of; Flex would ask
      // for the permission in a banner over every view.
      notifications: { enabled: false, mode: 'whenNotInFocus' },
    },
    {
      ...session.serviceConfiguration,
      runtime_domain: session.functionsUrl,
      ui_version: Flex.VERSION,
    },
  );
  logIn(manager, {
    identity: user.identity,
    roles: user.roles,
    token: user.token,
    expiration: user.tokenExpiresAt,
    permissions: user.permissions,
    accountSid: session.serviceConfiguration.account_sid,
  });
  registerHostContent(session);

  const plugins = await loadPluginsThroughFlex(manager, session.plugins, PLUGIN_INIT_TIMEOUT_MS);
  for (const plugin of plugins.filter((result) => result.state !== 'Initialized')) {
    void Flex.Notifications.showNotification(PLUGIN_FAILED_NOTIFICATION, {
      name: plugin.name,
      state: plugin.state,
      error: plugin.error ? `: ${plugin.error}` : '',
    });
  }

  await new Promise<void>((resolve) => {
    ReactDOM.render(
      <Flex.ContextProvider manager={manager} legacy>
        <Flex.RootContainer />
      </Flex.ContextProvider>,
      container,
      resolve,
    );
  });
  window.sandboxStatus = { state: 'ready', plugins, readyAfterMs: Math.round(performance.now()) };
}

start().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  window.sandboxStatus = { state: 'failed', error: message };
  console.error('The Flex sandbox could not start:', error);
  const container = document.getElementById('container');
  if (container) {
    container.setAttribute('role', 'alert');
    container.textContent = `The Flex sandbox could not start: ${message}`;
  }
});
