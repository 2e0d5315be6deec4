import React from 'react';
import { Box } from '@twilio-paste/core/box';
import { Text } from '@twilio-paste/core/text';
import { AgentIcon } from '@twilio-paste/icons/cjs/AgentIcon';
import { ProductContactCenterTeamsIcon } from '@twilio-paste/icons/cjs/ProductContactCenterTeamsIcon';
import { ProductContactCenterQueuesIcon } from '@twilio-paste/icons/cjs/ProductContactCenterQueuesIcon';
import { ProductContactCenterTasksIcon } from '@twilio-paste/icons/cjs/ProductContactCenterTasksIcon';

import { fillTemplate } from './templates';

/** Flex names some of its icons by string; these are the ones the sandbox draws. */
const NAMED_ICONS: Record<string, React.ReactElement> = {
  Agent: <AgentIcon decorative />,
  AgentBold: <AgentIcon decorative />,
  Supervisor: <ProductContactCenterTeamsIcon decorative />,
  SupervisorBold: <ProductContactCenterTeamsIcon decorative />,
  Queues: <ProductContactCenterQueuesIcon decorative />,
  QueuesBold: <ProductContactCenterQueuesIcon decorative />,
};

function renderIcon(icon: React.ReactNode): React.ReactNode {
  if (typeof icon === 'string') {
    return NAMED_ICONS[icon] ?? <ProductContactCenterTasksIcon decorative />;
  }
  return icon;
}

export interface SideLinkProps {
  icon: React.ReactNode;
  iconActive?: React.ReactNode;
  isActive?: boolean;
  showLabel?: boolean;
  onClick?: () => void;
  children?: React.ReactNode;
  'aria-label'?: string;
}

/** Flex's `SideLink`: one entry of the side navigation. */
export function SideLink({
  icon,
  iconActive,
  isActive = false,
  showLabel = true,
  onClick,
  children,
  'aria-label': ariaLabel,
}: SideLinkProps): React.ReactElement {
  return (
    <Box
      as="button"
      type="button"
      onClick={onClick}
      aria-current={isActive ? 'page' : undefined}
      aria-label={ariaLabel}
      title={typeof children === 'string' ? children : undefined}
      display="flex"
      alignItems="center"
      columnGap="space40"
      width="100%"
      paddingX="space50"
      paddingY="space40"
      borderStyle="none"
      borderLeftStyle="solid"
      borderLeftWidth="borderWidth30"
      borderLeftColor={isActive ? 'colorBorderPrimary' : 'transparent'}
      backgroundColor={isActive ? 'colorBackgroundInverseStrong' : 'colorBackgroundBodyInverse'}
      color="colorTextInverse"
      cursor="pointer"
      textAlign="left"
      _hover={{ backgroundColor: 'colorBackgroundInverseStrong' }}
      _focus={{ outline: 'none' }}
      _focusVisible={{ boxShadow: 'shadowFocusInverse' }}
    >
      <Box display="flex" flexShrink={0} color={isActive ? 'colorTextInverse' : 'colorTextInverseWeak'}>
        {renderIcon(isActive ? (iconActive ?? icon) : icon)}
      </Box>
      {showLabel ? (
        <Text as="span" color="inherit" fontWeight={isActive ? 'fontWeightSemibold' : 'fontWeightNormal'}>
          {children}
        </Text>
      ) : null}
    </Box>
  );
}

export interface ViewProps {
  name: string;
  children?: React.ReactNode;
  isViewActive?: boolean;
}

/** Flex's `View`: the ViewCollection shows the one whose `name` is the active view. */
export function View({ name, children }: ViewProps): React.ReactElement {
  return (
    <Box data-flex-view={name} height="100%" overflow="auto">
      {children}
    </Box>
  );
}

/** Flex's `Template`: renders a string template, by `source` or by `code` from `manager.strings`. */
export function createTemplateComponent(getStrings: () => Record<string, string>) {
  return function Template({
    source,
    code,
    ...context
  }: {
    source?: string;
    code?: string;
    [key: string]: unknown;
  }): React.ReactElement {
    const template = source ?? (code !== undefined ? (getStrings()[code] ?? code) : '');
    return <>{fillTemplate(template, context)}</>;
  };
}
