import { SANDBOX_USERS as SIMULATOR_USERS } from '../simulator/defaults';
import type { SandboxUser, SandboxUserKey } from './session';

const ORDER: readonly SandboxUserKey[] = ['admin', 'supervisor', 'agent'];

const NONE: SandboxUser['permissions'] = {
  agentDesktopView: false,
  teamsView: false,
  queueStatsView: false,
  editSkills: false,
  editStatus: false,
  monitorChat: false,
  monitorCall: false,
  seeTaskInfo: false,
  selfEditStatus: false,
  readAdmin: false,
  writeAdmin: false,
};

/**
 * What Flex's login grants each of its built-in roles. Only Agent Desktop is granted: Teams and Queues
 * Stats live on TaskRouter and Sync websockets the simulator does not speak, so the sandbox leaves
 * those views out rather than show them broken.
 */
const PERMISSIONS: Record<SandboxUserKey, SandboxUser['permissions']> = {
  admin: { ...NONE, agentDesktopView: true, selfEditStatus: true, readAdmin: true, writeAdmin: true },
  supervisor: { ...NONE, agentDesktopView: true, selfEditStatus: true, editStatus: true, seeTaskInfo: true },
  agent: { ...NONE, agentDesktopView: true, selfEditStatus: true },
};

/** The simulator's three users (one per Flex role), in the order the user switcher offers them. */
export const SANDBOX_USERS: readonly SandboxUser[] = ORDER.map((key) => ({
  key,
  ...SIMULATOR_USERS[key],
  permissions: PERMISSIONS[key],
}));

export function findSandboxUser(key: string): SandboxUser | undefined {
  return SANDBOX_USERS.find((user) => user.key === key);
}
