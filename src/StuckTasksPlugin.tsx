import * as React from 'react';
import type * as Flex from '@twilio/flex-ui';
import { FlexPlugin } from '@twilio/flex-plugin';

import { createStuckTasksApi } from './api/client';
import { StuckTasksView } from './components/StuckTasksView';
import { hasAllowedRole, readBuildVariables, readPluginConfig } from './config';
import type { FlexSurface, ManagerSurface } from './flex/registration';
import {
  registerNavAndView,
  registerNotifications,
  registerPasteTheme,
  registerStrings,
  showCloseSummary,
} from './flex/registration';
import { createTranslator } from './strings';

const PLUGIN_NAME = 'StuckTasksPlugin';

export default class StuckTasksPlugin extends FlexPlugin {
  constructor() {
    super(PLUGIN_NAME);
  }

  /**
   * Registers the "Close stuck tasks" nav entry and view, for users holding an allowed role only;
   * everyone else gets nothing from this plugin, not even its strings.
   */
  async init(flex: typeof Flex, manager: Flex.Manager): Promise<void> {
    registerStuckTasks(flex, manager);
  }
}

/** The body of `init`, typed against the part of Flex it uses (`FlexSurface`), which tests can supply. */
export function registerStuckTasks(flex: FlexSurface, manager: ManagerSurface): void {
  const config = readPluginConfig(manager.serviceConfiguration?.ui_attributes, readBuildVariables());
  if (!hasAllowedRole(manager.user?.roles, config.allowedRoles)) {
    return;
  }
  config.problems.forEach((problem) => console.warn(`[${PLUGIN_NAME}] ${problem}`));

  registerStrings(manager);
  registerPasteTheme(flex);
  registerNotifications(flex);

  const t = createTranslator(() => manager.strings as unknown as Record<string, string | undefined>);
  const api = config.serviceUrl
    ? createStuckTasksApi({ serviceUrl: config.serviceUrl, getToken: () => manager.user.token })
    : null;

  registerNavAndView(flex, {
    label: () => t('StuckTasksNavLabel'),
    view: (
      <StuckTasksView
        api={api}
        t={t}
        onCloseSummary={(summary) => showCloseSummary(flex, summary)}
        configProblems={config.problems}
      />
    ),
  });
}
