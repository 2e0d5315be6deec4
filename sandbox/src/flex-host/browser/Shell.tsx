import React from 'react';
import { Badge } from '@twilio-paste/core/badge';
import { Box } from '@twilio-paste/core/box';
import { Button } from '@twilio-paste/core/button';
import { Heading } from '@twilio-paste/core/heading';
import { Label } from '@twilio-paste/core/label';
import { Paragraph } from '@twilio-paste/core/paragraph';
import { Select, Option } from '@twilio-paste/core/select';
import { Text } from '@twilio-paste/core/text';
import { CloseIcon } from '@twilio-paste/icons/cjs/CloseIcon';
import { ErrorIcon } from '@twilio-paste/icons/cjs/ErrorIcon';
import { NeutralIcon } from '@twilio-paste/icons/cjs/NeutralIcon';
import { ProductFlexIcon } from '@twilio-paste/icons/cjs/ProductFlexIcon';
import { SuccessIcon } from '@twilio-paste/icons/cjs/SuccessIcon';
import { WarningIcon } from '@twilio-paste/icons/cjs/WarningIcon';
import type { BackgroundColor } from '@twilio-paste/style-props';

import type { HostSession } from '../session';
import { useDynamicContent } from './dynamicContent';
import type { FlexStandIn } from './flex';
import type { ActiveNotification } from './notifications';
import { DEFAULT_VIEW, type ViewRouter } from './router';
import { fillTemplate } from './templates';

interface ShellProps {
  standIn: FlexStandIn;
  session: HostSession;
  router: ViewRouter;
}

function useActiveView(router: ViewRouter): string {
  const [view, setView] = React.useState(router.activeView);
  React.useEffect(() => router.subscribe(setView), [router]);
  return view;
}

/** The frame Flex draws around plugin content: header, side navigation, notifications, views. */
export function Shell({ standIn, session, router }: ShellProps): React.ReactElement {
  const { flex } = standIn;
  const activeView = useActiveView(router);
  const navItems = useDynamicContent(flex.SideNav.Content, {
    activeView,
    isOpen: true,
    reserveSpace: true,
    showLabel: true,
  });
  const views = useDynamicContent(flex.ViewCollection.Content, { defaultLocation: `/${DEFAULT_VIEW}` });
  // Like Flex, an unknown view (or one this user may not see) falls back to the default view.
  const shown =
    views.find((view) => view.props.name === activeView) ?? views.find((view) => view.props.name === DEFAULT_VIEW);

  return (
    <Box display="flex" flexDirection="column" height="100vh" overflow="hidden">
      <Header session={session} />
      <Box display="flex" flexGrow={1} minHeight="0">
        <Box
          as="nav"
          aria-label="Side navigation"
          width="size20"
          flexShrink={0}
          backgroundColor="colorBackgroundBodyInverse"
          paddingTop="space30"
        >
          {navItems}
        </Box>
        <Box
          as="main"
          flexGrow={1}
          minWidth="0"
          display="flex"
          flexDirection="column"
          backgroundColor="colorBackgroundBody"
        >
          <NotificationBar standIn={standIn} />
          <Box flexGrow={1} minHeight="0" overflow="auto">
            {shown ? React.cloneElement(shown, { isViewActive: true }) : null}
          </Box>
        </Box>
      </Box>
    </Box>
  );
}

function Header({ session }: { session: HostSession }): React.ReactElement {
  const switchUser = (event: React.ChangeEvent<HTMLSelectElement>) => {
    // Flex initialises plugins once per login, so switching user means a fresh page.
    window.location.assign(`${window.location.pathname}?user=${encodeURIComponent(event.target.value)}`);
  };
  return (
    <Box
      as="header"
      display="flex"
      alignItems="center"
      justifyContent="space-between"
      columnGap="space50"
      paddingX="space60"
      paddingY="space30"
      backgroundColor="colorBackgroundBodyInverse"
      borderBottomStyle="solid"
      borderBottomWidth="borderWidth10"
      borderBottomColor="colorBorderInverseWeaker"
    >
      <Box display="flex" alignItems="center" columnGap="space30">
        <Box color="colorTextInverse" display="flex">
          <ProductFlexIcon decorative size="sizeIcon50" />
        </Box>
        <Text as="span" color="colorTextInverse" fontWeight="fontWeightBold" fontSize="fontSize40">
          Twilio Flex
        </Text>
        <Badge as="span" variant="decorative10">
          Offline sandbox
        </Badge>
      </Box>
      <Box display="flex" alignItems="center" columnGap="space30">
        <Label htmlFor="sandbox-user" variant="inverse" marginBottom="space0">
          Signed in as
        </Label>
        <Box width="size30">
          <Select id="sandbox-user" variant="inverse" value={session.user.key} onChange={switchUser}>
            {session.users.map((user) => (
              <Option key={user.key} value={user.key}>
                {`${user.fullName} (${user.roles.join(', ')})`}
              </Option>
            ))}
          </Select>
        </Box>
      </Box>
    </Box>
  );
}

const NOTIFICATION_LOOK: Record<
  string,
  { background: BackgroundColor; icon: React.ReactElement; role: 'alert' | 'status' }
> = {
  success: {
    background: 'colorBackgroundSuccessWeakest',
    icon: <SuccessIcon decorative color="colorTextIconSuccess" />,
    role: 'status',
  },
  error: {
    background: 'colorBackgroundErrorWeakest',
    icon: <ErrorIcon decorative color="colorTextIconError" />,
    role: 'alert',
  },
  warning: {
    background: 'colorBackgroundWarningWeakest',
    icon: <WarningIcon decorative color="colorTextIconWarning" />,
    role: 'alert',
  },
  information: {
    background: 'colorBackgroundNeutralWeakest',
    icon: <NeutralIcon decorative color="colorTextIconNeutral" />,
    role: 'status',
  },
};

function NotificationBar({ standIn }: { standIn: FlexStandIn }): React.ReactElement | null {
  const { Notifications, Manager } = standIn.flex;
  const [active, setActive] = React.useState<readonly ActiveNotification[]>(Notifications.activeNotifications);
  React.useEffect(() => Notifications.subscribe(setActive), [Notifications]);
  if (active.length === 0) return null;
  return (
    <Box aria-label="Notifications" as="section">
      {active.map((notification) => {
        const look = NOTIFICATION_LOOK[notification.type ?? 'information'] ?? NOTIFICATION_LOOK.information;
        const { content, context } = notification;
        const body =
          typeof content === 'string' || typeof content === 'number'
            ? fillTemplate(Manager.getInstance().strings[String(content)] ?? String(content), context)
            : content
              ? React.cloneElement(content, { notificationContext: context })
              : null;
        return (
          <Box
            key={notification.instanceId}
            role={look.role}
            data-notification-id={notification.id}
            display="flex"
            alignItems="center"
            columnGap="space30"
            paddingX="space60"
            paddingY="space30"
            backgroundColor={look.background}
            borderBottomStyle="solid"
            borderBottomWidth="borderWidth10"
            borderBottomColor="colorBorderWeaker"
          >
            {look.icon}
            <Box flexGrow={1}>
              <Text as="span">{body}</Text>
            </Box>
            {notification.closeButton === false ? null : (
              <Button
                variant="secondary_icon"
                size="reset"
                onClick={() => Notifications.dismissNotification(notification)}
              >
                <CloseIcon decorative={false} title="Dismiss notification" />
              </Button>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

/** Flex's own Agent Desktop is out of scope; the sandbox puts a short guide in its place. */
export function SandboxGuide({ session }: { session: HostSession }): React.ReactElement {
  const { user } = session;
  return (
    <Box padding="space100" maxWidth="size80">
      <Heading as="h1" variant="heading20">
        Agent desktop (sandbox stand-in)
      </Heading>
      <Paragraph>
        This page stands in for Twilio Flex: it loads the real plugin bundle and runs its{' '}
        <code>init(flex, manager)</code> against a minimal Flex host. Everything runs on this machine against a Twilio
        simulator; nothing reaches Twilio.
      </Paragraph>
      <Paragraph>
        You are signed in as <strong>{user.fullName}</strong> ({user.realmUserId}) with the role
        {user.roles.length === 1 ? '' : 's'} <strong>{user.roles.join(', ')}</strong>. Plugins add their entries to the
        side navigation according to your roles; use &ldquo;Signed in as&rdquo; above to switch user.
      </Paragraph>
      <Paragraph marginBottom="space0">
        Functions service: <code>{session.functionsUrl}</code>
      </Paragraph>
    </Box>
  );
}
