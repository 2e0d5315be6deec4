import * as React from 'react';
import type * as Flex from '@twilio/flex-ui';
import { CustomizationProvider } from '@twilio-paste/core/customization';
import type { OutcomeSummary } from '../model/suspects';
import { formatTemplateValues, withDefaultStrings } from '../strings';
import type { StringKey } from '../strings';
import { StuckTasksSideLink } from '../components/StuckTasksSideLink';

/**
 * The part of the Flex module (`init`'s `flex`) this plugin touches. The real @twilio/flex-ui satisfies
 * it: StuckTasksPlugin.flex.test.tsx assigns the real module to it and registers through it.
 */
export type FlexSurface = Pick<
  typeof Flex,
  'SideNav' | 'ViewCollection' | 'SideLink' | 'View' | 'Actions' | 'Notifications' | 'NotificationType' | 'setProviders'
>;

/** The part of the Flex manager (`init`'s `manager`) this plugin touches. */
export type ManagerSurface = {
  strings: Flex.Manager['strings'];
  user: Pick<Flex.Manager['user'], 'roles' | 'token'>;
  serviceConfiguration: Pick<Flex.Manager['serviceConfiguration'], 'ui_attributes'>;
};

export const VIEW_NAME = 'stuck-tasks';

export const NOTIFICATION_IDS = {
  closeSummary: 'StuckTasksCloseSummary',
  closeSummaryWithFailures: 'StuckTasksCloseSummaryWithFailures',
} as const;

/** The Flex string template both notifications render with the summary as context. */
const SUMMARY_TEMPLATE: StringKey = 'StuckTasksCloseSummary';

export function registerStrings(manager: ManagerSurface): void {
  manager.strings = withDefaultStrings(manager.strings);
}

/** Flex 2 wraps its root in this provider with its own Paste theme, so the plugin's Paste matches Flex. */
export function registerPasteTheme(flex: FlexSurface): void {
  flex.setProviders({ PasteThemeProvider: CustomizationProvider });
}

export function registerNotifications(flex: FlexSurface): void {
  flex.Notifications.registerNotification({
    id: NOTIFICATION_IDS.closeSummary,
    content: SUMMARY_TEMPLATE,
    type: flex.NotificationType.success,
    closeButton: true,
    timeout: 8000,
  });
  flex.Notifications.registerNotification({
    id: NOTIFICATION_IDS.closeSummaryWithFailures,
    content: SUMMARY_TEMPLATE,
    type: flex.NotificationType.warning,
    closeButton: true,
    timeout: 0,
  });
}

export function showCloseSummary(flex: FlexSurface, summary: OutcomeSummary): void {
  const id = summary.failed > 0 ? NOTIFICATION_IDS.closeSummaryWithFailures : NOTIFICATION_IDS.closeSummary;
  flex.Notifications.showNotification(id, formatTemplateValues({ ...summary }));
}

export function registerNavAndView(
  flex: FlexSurface,
  options: { label: () => string; view: React.ReactElement },
): void {
  const navigate = (viewName: string) => {
    void flex.Actions.invokeAction('NavigateToView', { viewName });
  };
  flex.SideNav.Content.add(
    <StuckTasksSideLink
      key="stuck-tasks-side-link"
      SideLink={flex.SideLink}
      viewName={VIEW_NAME}
      label={options.label}
      navigate={navigate}
    />,
  );
  flex.ViewCollection.Content.add(
    <flex.View name={VIEW_NAME} key="stuck-tasks-view">
      {options.view}
    </flex.View>,
  );
}
