module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2021, sourceType: 'module', ecmaFeatures: { jsx: true } },
  plugins: ['@typescript-eslint', 'react', 'react-hooks'],
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/recommended',
    'plugin:react/recommended',
    'plugin:react-hooks/recommended',
    'prettier',
  ],
  settings: { react: { version: '17.0.2' } },
  env: { node: true, es2021: true },
  rules: {
    '@typescript-eslint/consistent-type-imports': 'error',
    '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    'react/prop-types': 'off',
  },
  overrides: [
    { files: ['src/**/*.{ts,tsx}'], env: { browser: true } },
    { files: ['**/*.test.{ts,tsx}', '**/test/**'], env: { jest: true } },
    { files: ['**/*.js'], rules: { '@typescript-eslint/no-var-requires': 'off' } },
  ],
};
