import type React from 'react';

import { ActionsStandIn } from './actions';
import { SideLink, View, createTemplateComponent } from './components';
import { DynamicContentStore } from './dynamicContent';
import type { ManagerStandIn } from './manager';
import { NotificationType, NotificationsStandIn } from './notifications';
import type { ViewRouter } from './router';

/** What `Flex.setProviders` receives: Paste's CustomizationProvider and/or a custom wrapper. */
export interface ProvidersProps {
  PasteThemeProvider?: React.ComponentType<Record<string, unknown>>;
  CustomProvider?: (root: React.ComponentType) => React.ComponentType;
}

type PluginConstructor = new () => {
  name?: string;
  init(flex: unknown, manager: ManagerStandIn): Promise<void> | void;
};

export interface PluginLoadResult {
  name: string;
  ok: boolean;
  error?: string;
}

/**
 * The `window.Twilio.Flex` a plugin bundle sees: @twilio/flex-plugin-scripts compiles
 * `@twilio/flex-ui` imports to this global, and `loadPlugin` hands the plugin class to
 * `Twilio.Flex.Plugins.init`, which instantiates it and calls `init(flex, manager)`.
 */
export function createFlexStandIn(router: Pick<ViewRouter, 'navigate'>) {
  let manager: ManagerStandIn | null = null;
  let providers: ProvidersProps = {};
  const pluginInitListeners = new Set<(result: Promise<PluginLoadResult>) => void>();

  const Actions = new ActionsStandIn();
  Actions.registerAction('NavigateToView', (payload) => {
    const viewName = payload.viewName;
    if (typeof viewName !== 'string' || !viewName) throw new Error('NavigateToView needs a viewName');
    router.navigate(viewName);
  });
  Actions.registerAction('HistoryPush', (payload) => {
    const location = typeof payload === 'string' ? payload : String(payload.pathname ?? payload.location ?? '');
    router.navigate(location.replace(/^\//, ''));
  });

  const Notifications = new NotificationsStandIn();
  const getStrings = () => manager?.strings ?? {};

  const Manager = {
    getInstance(): ManagerStandIn {
      if (!manager) throw new Error('Flex Manager is not ready yet');
      return manager;
    },
  };

  const Plugins = {
    init(PluginClass: PluginConstructor): void {
      const result = (async (): Promise<PluginLoadResult> => {
        let name = PluginClass.name || 'plugin';
        try {
          const plugin = new PluginClass();
          name = plugin.name ?? name;
          if (!manager) throw new Error('Flex Manager is not ready yet');
          await plugin.init(flex, manager);
          return { name, ok: true };
        } catch (error) {
          console.error(`Plugin ${name} failed to initialise`, error);
          return { name, ok: false, error: error instanceof Error ? error.message : String(error) };
        }
      })();
      pluginInitListeners.forEach((listener) => listener(result));
    },
  };

  const flex = {
    VERSION: '2.17.1 (offline sandbox stand-in)',
    Actions,
    Notifications,
    NotificationType,
    Manager,
    Plugins,
    SideNav: { Content: new DynamicContentStore('SideNav') },
    ViewCollection: { Content: new DynamicContentStore('ViewCollection') },
    SideLink,
    View,
    Template: createTemplateComponent(getStrings),
    setProviders(next: ProvidersProps): void {
      providers = { ...providers, ...next };
    },
  };

  return {
    flex,
    setManager(next: ManagerStandIn): void {
      manager = next;
    },
    getProviders: (): ProvidersProps => providers,
    /** Calls back when the next plugin bundle calls `Plugins.init`, with its init outcome (pending). */
    onNextPluginInit(callback: (result: Promise<PluginLoadResult>) => void): void {
      const listener = (result: Promise<PluginLoadResult>) => {
        pluginInitListeners.delete(listener);
        callback(result);
      };
      pluginInitListeners.add(listener);
    },
  };
}

export type FlexStandIn = ReturnType<typeof createFlexStandIn>;
