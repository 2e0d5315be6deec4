import React from 'react';
import ReactDOM from 'react-dom';
import { Theme } from '@twilio-paste/core/theme';
import { AgentIcon } from '@twilio-paste/icons/cjs/AgentIcon';

import type { HostSession } from '../session';
import { createFlexStandIn, type FlexStandIn, type PluginLoadResult } from './flex';
import { createManager } from './manager';
import { DEFAULT_VIEW, ViewRouter } from './router';
import { SandboxGuide, Shell } from './Shell';

/** Flex gives up on a plugin that has not registered by then. */
const PLUGIN_INIT_TIMEOUT_MS = 20_000;

declare global {
  interface Window {
    React: typeof React;
    ReactDOM: typeof ReactDOM;
    Twilio: { Flex: unknown };
  }
}

async function fetchSession(): Promise<HostSession> {
  const user = new URLSearchParams(window.location.search).get('user') ?? '';
  const response = await fetch(`/_host/session?user=${encodeURIComponent(user)}`);
  if (!response.ok) throw new Error(`The sandbox server refused the session: ${await response.text()}`);
  return (await response.json()) as HostSession;
}

/** Adds the plugin's script tag and waits for the bundle to register and finish `init`. */
function loadPlugin(standIn: FlexStandIn, plugin: HostSession['plugins'][number]): Promise<PluginLoadResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(
      () =>
        resolve({ name: plugin.name, ok: false, error: `did not register within ${PLUGIN_INIT_TIMEOUT_MS / 1000} s` }),
      PLUGIN_INIT_TIMEOUT_MS,
    );
    const finish = (result: PluginLoadResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    standIn.onNextPluginInit((init) => void init.then(finish));
    const script = document.createElement('script');
    script.src = plugin.src;
    script.onerror = () => finish({ name: plugin.name, ok: false, error: `could not load ${plugin.src}` });
    document.body.appendChild(script);
  });
}

function registerHostContent(standIn: FlexStandIn, session: HostSession): void {
  const { flex } = standIn;
  flex.SideNav.Content.add(
    <flex.SideLink
      key="agent-desktop"
      icon={<AgentIcon decorative />}
      onClick={() => void flex.Actions.invokeAction('NavigateToView', { viewName: DEFAULT_VIEW })}
    >
      Agent desktop
    </flex.SideLink>,
    { sortOrder: 0 },
  );
  flex.ViewCollection.Content.add(
    <flex.View key={DEFAULT_VIEW} name={DEFAULT_VIEW}>
      <SandboxGuide session={session} />
    </flex.View>,
  );
  flex.Notifications.registerNotification({
    id: 'SandboxPluginFailed',
    type: 'error',
    timeout: 0,
    content: 'Plugin {{name}} failed to initialise: {{error}}',
  });
}

async function start(): Promise<void> {
  const container = document.getElementById('container');
  if (!container) throw new Error('No #container element');
  // flex-plugin-scripts compiles react and react-dom imports to these globals.
  window.React = React;
  window.ReactDOM = ReactDOM;
  const router = new ViewRouter();
  const standIn = createFlexStandIn(router);
  window.Twilio = { ...(window.Twilio ?? {}), Flex: standIn.flex };

  const session = await fetchSession();
  standIn.setManager(createManager(session, () => router.activeView));
  registerHostContent(standIn, session);

  const results: PluginLoadResult[] = [];
  for (const plugin of session.plugins) {
    results.push(await loadPlugin(standIn, plugin));
  }
  (window as unknown as { __sandboxPlugins: PluginLoadResult[] }).__sandboxPlugins = results;
  results
    .filter((result) => !result.ok)
    .forEach((result) => standIn.flex.Notifications.showNotification('SandboxPluginFailed', { ...result }));

  // Flex wraps its root in the providers plugins hand to `setProviders`, with its light Paste theme.
  const { PasteThemeProvider, CustomProvider } = standIn.getProviders();
  const Root = () => (
    <Theme.Provider theme="flex">
      <Shell standIn={standIn} session={session} router={router} />
    </Theme.Provider>
  );
  const Wrapped = CustomProvider ? CustomProvider(Root) : Root;
  const app = PasteThemeProvider ? (
    <PasteThemeProvider baseTheme="default" style={{ minWidth: '100%', height: '100%' }}>
      <Wrapped />
    </PasteThemeProvider>
  ) : (
    <Wrapped />
  );
  ReactDOM.render(app, container);
}

start().catch((error: unknown) => {
  console.error(error);
  const container = document.getElementById('container');
  if (container) {
    container.textContent = `The Flex sandbox could not start: ${error instanceof Error ? error.message : String(error)}`;
  }
});
