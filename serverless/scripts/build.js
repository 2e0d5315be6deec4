#!/usr/bin/env node
/**
 * Bundles each Twilio Function (`src/functions/**\/*.ts`) into one self-contained CommonJS file under
 * `functions/` (same relative path), which is what `twilio-run start` serves and `twilio-run deploy`
 * uploads. Deployed Functions cannot require each other by relative path, so every bundle carries its
 * own copy of the shared code and of the npm packages it uses (zod, p-retry, the token validator...).
 *
 * Usage: node scripts/build.js [--check-deploy | --check-built]
 *   --check-deploy  also fail unless package.json "dependencies" declares every npm package whose
 *                   code the bundles carry (so `npm audit --omit=dev` and SCA tools see them),
 *                   plus @twilio/runtime-handler, and nothing Twilio could not install from npm
 *                   (Twilio installs every entry on deploy; the bundles do not need them).
 *   --check-built   build nothing: fail when a bundle is missing, warn when sources are newer
 *                   (run by `npm start`, which would otherwise serve nothing or stale code).
 */
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const { buildInputsUnder, staleness } = require('./staleness');

const root = path.resolve(__dirname, '..');
const sourceDir = path.join(root, 'src', 'functions');
const outputDir = path.join(root, 'functions');

/** Twilio's runtime needs it declared; the bundles do not use it. */
const RUNTIME_HANDLER = '@twilio/runtime-handler';
/** Workspace packages are bundled and not on npm: Twilio could not install them. */
const WORKSPACE_SCOPE = '@plugin-stuck-tasks/';

function functionSources(dir) {
  return buildInputsUnder(dir).filter((file) => file.endsWith('.ts'));
}

/** The npm package a bundled file came from (`node_modules/<name>/...`, the innermost one). */
function packageOf(file) {
  const parts = file.split(/[\\/]/);
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const name = parts[at + 1];
  return name && name.startsWith('@') ? `${name}/${parts[at + 2]}` : name;
}

/**
 * The packages the bundles carry that our own code imports directly (their own dependencies come
 * with them, as npm would install them).
 */
function directlyBundledPackages(metafile) {
  const packages = new Set();
  for (const [file, input] of Object.entries(metafile.inputs)) {
    if (file.includes('node_modules')) continue;
    for (const imported of input.imports) {
      const name = imported.external ? null : packageOf(imported.path);
      if (name && !name.startsWith(WORKSPACE_SCOPE)) packages.add(name);
    }
  }
  return [...packages].sort();
}

function checkDeployDependencies(metafile, pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))) {
  const declared = pkg.dependencies || {};
  const problems = [];
  if (!declared[RUNTIME_HANDLER]) problems.push(`${RUNTIME_HANDLER} must be declared (Twilio's runtime needs it)`);
  const undeclared = directlyBundledPackages(metafile).filter((name) => !declared[name]);
  if (undeclared.length > 0) {
    problems.push(
      `the bundles carry code of ${undeclared.join(', ')}: declare them in "dependencies" so that ` +
        '`npm audit --omit=dev` and SCA tools see what is deployed',
    );
  }
  const uninstallable = Object.entries(declared).filter(
    ([name, spec]) => name.startsWith(WORKSPACE_SCOPE) || /^(file|link|workspace):/.test(String(spec)),
  );
  if (uninstallable.length > 0) {
    problems.push(
      `Twilio installs every entry of "dependencies" from npm on deploy and cannot install ` +
        `${uninstallable.map(([name]) => name).join(', ')}: keep workspace packages in devDependencies (they are bundled)`,
    );
  }
  if (problems.length > 0) throw new Error(`serverless/package.json: ${problems.join('; ')}.`);
}

/**
 * Writes each bundle next to its final name and renames it into place, so a server (or a parallel
 * test run) that loads a bundle never reads a half-written file.
 */
async function build({ write = true } = {}) {
  const entryPoints = functionSources(sourceDir);
  if (entryPoints.length === 0) throw new Error(`No functions found under ${sourceDir}`);
  const started = Date.now();
  const result = await esbuild.build({
    entryPoints,
    outbase: sourceDir,
    outdir: outputDir,
    bundle: true,
    platform: 'node',
    // The deployed runtime (.twilioserverlessrc pins node22); Node 20 runs them locally too.
    target: 'node20',
    format: 'cjs',
    // Bundles stay small enough to upload and load fast; names are kept for readable stack traces.
    minify: true,
    keepNames: true,
    legalComments: 'none',
    logLevel: 'warning',
    metafile: true,
    write: false,
  });
  const suffix = `.tmp-${process.pid}`;
  for (const file of write ? result.outputFiles : []) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(file.path + suffix, file.contents);
    fs.renameSync(file.path + suffix, file.path);
  }
  return {
    files: result.outputFiles.map((file) => ({ path: file.path, bytes: file.contents.length })),
    metafile: result.metafile,
    ms: Date.now() - started,
  };
}

function bundlePaths() {
  return functionSources(sourceDir).map((source) =>
    path.join(outputDir, path.relative(sourceDir, source).replace(/\.ts$/, '.js')),
  );
}

/** Why the bundles need building (missing or stale), or null when they are current. */
function bundleStaleness() {
  return staleness({
    inputs: [path.join(root, 'src'), path.join(root, '..', 'contract', 'src')],
    outputs: bundlePaths(),
  });
}

/** Builds only when a bundle is missing or older than a source (the integration tests). */
async function buildIfStale() {
  if (bundleStaleness() !== null) await build();
}

function checkBuilt() {
  const reason = bundleStaleness();
  if (reason?.kind === 'missing') {
    if (reason.files.length === 0) throw new Error(`No functions found under ${sourceDir}`);
    throw new Error(
      `The Functions are not built (${reason.files.map((file) => path.relative(root, file)).join(', ')} missing): ` +
        'run `npm run build` first.',
    );
  }
  if (reason?.kind === 'stale') {
    console.warn('Warning: sources changed since the last build; run `npm run build` to serve the current code.');
  }
}

module.exports = {
  build,
  buildIfStale,
  checkBuilt,
  checkDeployDependencies,
  directlyBundledPackages,
  outputDir,
  sourceDir,
};

if (require.main === module) {
  (async () => {
    if (process.argv.includes('--check-built')) {
      checkBuilt();
      return;
    }
    const { files, metafile, ms } = await build();
    if (process.argv.includes('--check-deploy')) checkDeployDependencies(metafile);
    for (const file of files) {
      console.log(`${path.relative(root, file.path)}  ${(file.bytes / 1024 / 1024).toFixed(2)} MB`);
    }
    console.log(`Built ${files.length} functions in ${ms} ms`);
  })().catch((error) => {
    console.error(error.message || error);
    process.exit(1);
  });
}
