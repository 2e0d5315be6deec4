/**
 * What other workspaces import as `@plugin-stuck-tasks/sandbox`: the offline Twilio simulator (start it,
 * drive it, read its logs and its own verdict oracle) and the Flex tokens it issues. The sandbox
 * launcher (`src/start`) is a program, not part of this entry: importing the package never loads it.
 */
export * from './simulator';
export { issueFlexToken } from './simulator/tokens';
