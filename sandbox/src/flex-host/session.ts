import type { UserInfo } from '@twilio/flex-ui';

/**
 * What the host page learns from its server about the signed-in user and the Flex account: what
 * Flex's own login (the token payload) and its configuration service would tell it. Shared by the
 * server and the browser.
 */

export type SandboxUserKey = 'admin' | 'supervisor' | 'agent';

export interface SandboxUser {
  key: SandboxUserKey;
  /** Flex identity, as in the token. */
  identity: string;
  /** The login name. */
  realmUserId: string;
  fullName: string;
  roles: string[];
  workerSid: string;
  /** What Flex's login hands the UI next to the token; it decides which of Flex's own views show. */
  permissions: UserInfo['permissions'];
}

export interface HostSession {
  user: SandboxUser & {
    /** A Flex token issued by the simulator, so the Functions validate it for real. */
    token: string;
    /** ISO 8601. */
    tokenExpiresAt: string;
  };
  /** Everyone the user switcher offers. */
  users: SandboxUser[];
  /** What Flex exposes as `manager.serviceConfiguration` (the parts this sandbox fills in). */
  serviceConfiguration: {
    account_sid: string;
    ui_attributes: Record<string, unknown>;
  };
  /** Plugin bundles to load, in order, like Flex's plugin service answer. */
  plugins: { name: string; version: string; src: string }[];
  /** Where the Functions run; shown in the sandbox's notification. */
  functionsUrl: string;
}
