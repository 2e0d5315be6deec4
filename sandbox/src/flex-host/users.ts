import { SANDBOX_USERS as SIMULATOR_USERS } from '../simulator/defaults';
import type { SandboxUser, SandboxUserKey } from './session';

const ORDER: readonly SandboxUserKey[] = ['admin', 'supervisor', 'agent'];

/** The simulator's three users (one per Flex role), in the order the user switcher offers them. */
export const SANDBOX_USERS: readonly SandboxUser[] = ORDER.map((key) => ({ key, ...SIMULATOR_USERS[key] }));

export function findSandboxUser(key: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.key === key);
}
