// Browser end-to-end tests (`npm run test:e2e`): Debian's Chromium, driven by playwright-core, against
// the sandbox (simulator + real Functions + the real Flex UI with the real plugin bundle) started on free
// loopback ports. Same TypeScript transform as the unit tests; one file at a time, generous timeouts.
const { projects } = require('./jest.config');

const server = projects.find((project) => project.displayName === 'server');

module.exports = {
  rootDir: __dirname,
  displayName: 'e2e',
  testEnvironment: 'node',
  roots: ['<rootDir>/e2e'],
  testMatch: ['**/*.e2e.test.ts'],
  transform: server.transform,
  moduleNameMapper: server.moduleNameMapper,
  maxWorkers: 1,
  testTimeout: 600_000,
  slowTestThreshold: 60,
};
