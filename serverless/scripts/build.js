#!/usr/bin/env node
/**
 * Bundles each Twilio Function (`src/functions/**\/*.ts`) into one self-contained CommonJS file under
 * `functions/` (same relative path), which is what `twilio-run start` serves and `twilio-run deploy`
 * uploads. Deployed Functions cannot require each other by relative path, so every bundle carries its
 * own copy of the shared code and of the npm packages it uses (twilio, zod, the token validator...).
 *
 * Usage: node scripts/build.js [--check-deploy | --check-built]
 *   --check-deploy  also fail unless package.json "dependencies" holds only what the deployed
 *                   service needs (Twilio installs every entry of it on deploy).
 *   --check-built   build nothing: fail when a bundle is missing, warn when sources are newer
 *                   (run by `npm start`, which would otherwise serve nothing or stale code).
 */
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const sourceDir = path.join(root, 'src', 'functions');
const outputDir = path.join(root, 'functions');

/** What the deployed service may install: the bundles need nothing else. */
const DEPLOY_DEPENDENCIES = ['@twilio/runtime-handler'];

function functionSources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return functionSources(full);
    return entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

function checkDeployDependencies() {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const extra = Object.keys(pkg.dependencies || {}).filter((name) => !DEPLOY_DEPENDENCIES.includes(name));
  if (extra.length > 0) {
    throw new Error(
      `serverless/package.json "dependencies" must only list ${DEPLOY_DEPENDENCIES.join(', ')}: Twilio installs ` +
        `every entry on deploy, and the bundles already contain their code. Move to devDependencies: ${extra.join(', ')}`,
    );
  }
}

/**
 * Writes each bundle next to its final name and renames it into place, so a server (or a parallel
 * test run) that loads a bundle never reads a half-written file.
 */
async function build() {
  const entryPoints = functionSources(sourceDir);
  if (entryPoints.length === 0) throw new Error(`No functions found under ${sourceDir}`);
  const started = Date.now();
  const result = await esbuild.build({
    entryPoints,
    outbase: sourceDir,
    outdir: outputDir,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    // Bundles stay small enough to upload and load fast; names are kept for readable stack traces.
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    write: false,
  });
  const suffix = `.tmp-${process.pid}`;
  for (const file of result.outputFiles) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(file.path + suffix, file.contents);
    fs.renameSync(file.path + suffix, file.path);
  }
  return {
    files: result.outputFiles.map((file) => ({ path: file.path, bytes: file.contents.length })),
    ms: Date.now() - started,
  };
}

function newestMtime(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return Math.max(newest, newestMtime(full));
    return entry.name.endsWith('.ts') ? Math.max(newest, fs.statSync(full).mtimeMs) : newest;
  }, 0);
}

function checkBuilt() {
  const bundles = functionSources(sourceDir).map((source) =>
    path.join(outputDir, path.relative(sourceDir, source).replace(/\.ts$/, '.js')),
  );
  const missing = bundles.filter((bundle) => !fs.existsSync(bundle));
  if (missing.length > 0) {
    throw new Error(
      `The Functions are not built (${missing.map((file) => path.relative(root, file)).join(', ')} missing): ` +
        'run `npm run build` first.',
    );
  }
  const oldestBundle = Math.min(...bundles.map((bundle) => fs.statSync(bundle).mtimeMs));
  const newestSource = Math.max(
    newestMtime(path.join(root, 'src')),
    newestMtime(path.join(root, '..', 'contract', 'src')),
  );
  if (newestSource > oldestBundle) {
    console.warn('Warning: sources changed since the last build; run `npm run build` to serve the current code.');
  }
}

module.exports = { build, checkBuilt, outputDir, sourceDir };

if (require.main === module) {
  (async () => {
    if (process.argv.includes('--check-built')) {
      checkBuilt();
      return;
    }
    if (process.argv.includes('--check-deploy')) checkDeployDependencies();
    const { files, ms } = await build();
    for (const file of files) {
      console.log(`${path.relative(root, file.path)}  ${(file.bytes / 1024 / 1024).toFixed(2)} MB`);
    }
    console.log(`Built ${files.length} functions in ${ms} ms`);
  })().catch((error) => {
    console.error(error.message || error);
    process.exit(1);
  });
}
