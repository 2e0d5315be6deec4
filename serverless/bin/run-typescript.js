'use strict';
// Runs one of the serverless package's TypeScript entry points (the CLI, the benchmark) without a
// manual build step. esbuild bundles the entry and every relative/workspace import into a cache under
// node_modules (ignored by git); it rebuilds only when one of the bundled sources changed, so a warm
// start costs a few stat() calls. Packages from node_modules stay outside the bundle and are required
// exactly where Node would find them from the importing source file (workspaces may nest versions).
//
// Why not sandbox/src/start/register-ts.js (the other way to run TypeScript here): that require hook
// transpiles every file again on every run and keeps each file at its own path, which the sandbox
// needs (its launchers find the repository and their preload scripts from __dirname). The CLI wants the opposite: one cached bundle,
// so a warm start transpiles nothing, and a published bin that does not depend on the sandbox package.
const fs = require('fs');
const os = require('os');
const path = require('path');
const { isBuiltin } = require('module');
const { staleness } = require('../scripts/staleness');

const serverlessRoot = path.resolve(__dirname, '..');
const repoRoot = path.resolve(serverlessRoot, '..');
const WORKSPACE_SCOPE = '@plugin-stuck-tasks/';

function cacheDirectory() {
  const preferred = path.join(serverlessRoot, 'node_modules', '.cache', 'stuck-tasks');
  try {
    fs.mkdirSync(preferred, { recursive: true });
    fs.accessSync(preferred, fs.constants.W_OK);
    return preferred;
  } catch {
    const fallback = path.join(os.tmpdir(), `stuck-tasks-${Buffer.from(repoRoot).toString('hex').slice(-24)}`);
    fs.mkdirSync(fallback, { recursive: true });
    return fallback;
  }
}

function isFresh(bundlePath, metaPath) {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(metaPath, 'utf8')).inputs;
  } catch {
    return false;
  }
  if (!Array.isArray(inputs)) return false;
  // The lockfile too: packages are required by the absolute paths they had at bundle time.
  const lockfile = path.join(repoRoot, 'package-lock.json');
  // A source file gone since the bundle was made counts as changed.
  const bundledFrom = [...inputs, __filename, ...(fs.existsSync(lockfile) ? [lockfile] : [])];
  return staleness({ inputs: bundledFrom, outputs: [bundlePath] }) === null;
}

const packagesStayExternal = {
  name: 'packages-stay-external',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith(WORKSPACE_SCOPE)) return undefined;
      if (isBuiltin(args.path)) return { path: args.path, external: true };
      return { path: require.resolve(args.path, { paths: [args.resolveDir] }), external: true };
    });
  },
};

function writeAtomically(file, contents) {
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temporary, contents);
  fs.renameSync(temporary, file);
}

async function bundle(entry, bundlePath, metaPath) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    outfile: bundlePath,
    absWorkingDir: repoRoot,
    metafile: true,
    write: false,
    logLevel: 'error',
    plugins: [packagesStayExternal],
  });
  const inputs = Object.keys(result.metafile.inputs).map((input) => path.resolve(repoRoot, input));
  // The map goes first so that a concurrent run never sees a bundle without its map.
  for (const file of [...result.outputFiles].sort((a) => (a.path.endsWith('.map') ? -1 : 1))) {
    writeAtomically(file.path, file.contents);
  }
  writeAtomically(metaPath, JSON.stringify({ entry, inputs }));
}

/** Bundles `entry` (relative to the serverless package) if needed and returns its exports. */
async function loadTypeScriptEntry(entry) {
  const absoluteEntry = path.resolve(serverlessRoot, entry);
  const name = path
    .relative(serverlessRoot, absoluteEntry)
    .replace(/[\\/]/g, '__')
    .replace(/\.tsx?$/, '');
  const directory = cacheDirectory();
  const bundlePath = path.join(directory, `${name}.js`);
  const metaPath = path.join(directory, `${name}.meta.json`);
  if (!isFresh(bundlePath, metaPath)) await bundle(absoluteEntry, bundlePath, metaPath);
  process.setSourceMapsEnabled(true);
  return require(bundlePath);
}

module.exports = { loadTypeScriptEntry };
