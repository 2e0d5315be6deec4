import * as React from 'react';
import type { SideLinkProps } from '@twilio/flex-ui';
import { CallFailedIcon } from '@twilio-paste/icons/cjs/CallFailedIcon';

/**
 * Flex's SideLink props, plus the `aria-label` it passes through to its link (Flex's own links set it;
 * its `SideLinkProps` type leaves it out).
 */
export type NamedSideLinkProps = SideLinkProps & { 'aria-label'?: string };

export interface StuckTasksSideLinkProps {
  /** Flex's SideLink (passed in so this component does not load Flex itself). */
  SideLink: React.ComponentType<NamedSideLinkProps>;
  viewName: string;
  label: () => string;
  navigate: (viewName: string) => void;
  /** Injected by Flex's SideNav into its children: the view shown now. */
  activeView?: string;
  /** Injected by Flex's SideNav into its children: false while the side bar is collapsed. */
  showLabel?: boolean;
}

/**
 * The "Close stuck tasks" nav entry. The label is also the link's `aria-label`: Flex's side bar starts
 * collapsed, and a collapsed SideLink hides its label, which would leave the link without a name.
 */
export const StuckTasksSideLink: React.FC<StuckTasksSideLinkProps> = ({
  SideLink,
  viewName,
  label,
  navigate,
  activeView,
  showLabel = true,
}) => {
  const text = label();
  return (
    <SideLink
      showLabel={showLabel}
      icon={<CallFailedIcon decorative />}
      iconActive={<CallFailedIcon decorative color="colorTextLink" />}
      isActive={activeView === viewName}
      onClick={() => navigate(viewName)}
      aria-label={text}
    >
      {text}
    </SideLink>
  );
};
