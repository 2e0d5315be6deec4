// flex-plugin-scripts 7 passes its generated webpack config here before building.
// The plugin shares runtime constants (e.g. MAX_CLOSE_BATCH) with the Functions through the
// `@plugin-stuck-tasks/contract` workspace. Its TypeScript lives outside `src/`, which the generated
// config only transpiles from `src/`, so the contract's source folder is added to the Babel rule.
const path = require('path');

const contractSrc = path.resolve(__dirname, 'contract', 'src');

const isBabelRule = (rule) => typeof rule.loader === 'string' && rule.loader.includes('babel-loader');

module.exports = (config) => {
  const rules = config.module.rules.flatMap((rule) => rule.oneOf || [rule]);
  const babelRules = rules.filter(isBabelRule);
  if (babelRules.length === 0) {
    throw new Error('webpack.config.js: babel-loader rule not found; cannot transpile the shared contract');
  }
  babelRules.forEach((rule) => {
    rule.include = [...(Array.isArray(rule.include) ? rule.include : [rule.include]), contractSrc];
  });
  return config;
};
