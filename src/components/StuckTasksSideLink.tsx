import * as React from 'react';
import { CallFailedIcon } from '@twilio-paste/icons/cjs/CallFailedIcon';

/** The props Flex's SideLink takes that this entry uses. */
export interface SideLinkLikeProps {
  showLabel?: boolean;
  icon: React.ReactNode;
  iconActive?: React.ReactNode;
  isActive?: boolean;
  onClick?: () => void;
  children?: React.ReactNode;
}

export interface StuckTasksSideLinkProps {
  /** Flex's SideLink (passed in so this component does not load Flex itself). */
  SideLink: React.ComponentType<SideLinkLikeProps>;
  viewName: string;
  label: () => string;
  navigate: (viewName: string) => void;
  /** Injected by Flex's SideNav into its children. */
  activeView?: string;
  showLabel?: boolean;
}

export const StuckTasksSideLink: React.FC<StuckTasksSideLinkProps> = ({
  SideLink,
  viewName,
  label,
  navigate,
  activeView,
  showLabel = true,
}) => (
  <SideLink
    showLabel={showLabel}
    icon={<CallFailedIcon decorative />}
    iconActive={<CallFailedIcon decorative color="colorTextLink" />}
    isActive={activeView === viewName}
    onClick={() => navigate(viewName)}
  >
    {label()}
  </SideLink>
);
