import * as React from 'react';
import type * as Flex from '@twilio/flex-ui';
import { CustomizationProvider } from '@twilio-paste/core/customization';
import type { OutcomeSummary } from '../model/suspects';
import { formatTemplateValues, withDefaultStrings } from '../strings';
import type { StringKey } from '../strings';
import { StuckTasksSideLink } from '../components/StuckTasksSideLink';

/**
 * Everything of the Flex global this plugin touches. The sandbox's Flex stand-in provides exactly this.
 */
export type FlexHost = Pick<
  typeof Flex,
  'SideNav' | 'ViewCollection' | 'SideLink' | 'View' | 'Actions' | 'Notifications' | 'setProviders'
>;

/** Everything of the Flex manager this plugin touches. */
export type ManagerHost = {
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

export function registerStrings(manager: ManagerHost): void {
  manager.strings = withDefaultStrings(manager.strings);
}

/** Flex 2 wraps its root in this provider with its own Paste theme, so the plugin's Paste matches Flex. */
export function registerPasteTheme(flex: FlexHost): void {
  flex.setProviders({ PasteThemeProvider: CustomizationProvider });
}

export function registerNotifications(flex: FlexHost): void {
  flex.Notifications.registerNotification({
    id: NOTIFICATION_IDS.closeSummary,
    content: SUMMARY_TEMPLATE,
    type: 'success' as Flex.NotificationType,
    closeButton: true,
    timeout: 8000,
  });
  flex.Notifications.registerNotification({
    id: NOTIFICATION_IDS.closeSummaryWithFailures,
    content: SUMMARY_TEMPLATE,
    type: 'warning' as Flex.NotificationType,
    closeButton: true,
    timeout: 0,
  });
}

export function showCloseSummary(flex: FlexHost, summary: OutcomeSummary): void {
  const id = summary.failed > 0 ? NOTIFICATION_IDS.closeSummaryWithFailures : NOTIFICATION_IDS.closeSummary;
  flex.Notifications.showNotification(id, formatTemplateValues({ ...summary }));
}

export function registerNavAndView(flex: FlexHost, options: { label: () => string; view: React.ReactElement }): void {
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
