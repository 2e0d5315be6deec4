// One jest run covers every side: the plugin (jsdom), and the Functions, engine, CLI and simulator (node).
// Browser end-to-end tests have their own config (jest.e2e.config.js) and run with `npm run test:e2e`.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      transform: { react: { runtime: 'classic' } },
      target: 'es2020',
    },
    module: { type: 'commonjs' },
  },
];

const shared = {
  transform: { '^.+\\.(t|j)sx?$': swc },
  moduleNameMapper: {
    '^@plugin-stuck-tasks/contract$': '<rootDir>/contract/src/index.ts',
    '^@plugin-stuck-tasks/sandbox$': '<rootDir>/sandbox/src/index.ts',
  },
};

module.exports = {
  projects: [
    {
      ...shared,
      displayName: 'plugin',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/src'],
      testPathIgnorePatterns: ['/node_modules/', '\\.flex\\.test\\.tsx?$'],
      setupFilesAfterEnv: ['<rootDir>/src/test/setupTests.ts'],
    },
    {
      // The plugin against the real @twilio/flex-ui module (not a mock). Loading it costs about 3 s and
      // 400 MB per test file, so these tests stay few and in files of their own (`*.flex.test.tsx`).
      ...shared,
      displayName: 'flex',
      testEnvironment: 'jsdom',
      // Without these conditions jsdom picks the browser (ES module) build of a nested `uuid`.
      testEnvironmentOptions: { customExportConditions: ['node', 'require', 'default'] },
      roots: ['<rootDir>/src'],
      testMatch: ['**/*.flex.test.ts?(x)'],
      setupFilesAfterEnv: ['<rootDir>/src/test/realFlexSetup.ts'],
    },
    {
      ...shared,
      displayName: 'server',
      testEnvironment: 'node',
      roots: [
        '<rootDir>/serverless/src',
        '<rootDir>/serverless/test',
        '<rootDir>/sandbox/src',
        '<rootDir>/sandbox/test',
      ],
      testPathIgnorePatterns: ['/node_modules/', '/e2e/'],
    },
  ],
};
