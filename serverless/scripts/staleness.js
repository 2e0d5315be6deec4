'use strict';
/**
 * Why a build's outputs need (re)building, or null when they are current: the one answer for the
 * three places that ask: `npm start` (sandbox/src/start/builds.ts: plugin, Functions, Flex page),
 * the Functions build script (`--check-built`, `buildIfStale`) and the CLI's cached bundle
 * (bin/run-typescript.js). Plain CommonJS without dependencies, so plain node scripts can require it.
 *
 * Synchronous on purpose: a warm CLI start must cost no more than a few stat() calls, and the
 * sandbox checks three builds once per start.
 */
const fs = require('fs');
const path = require('path');

/** What goes into a build: not tests (`*.test.ts(x)`, anything in a `test` folder), not docs. */
function isBuildInput(name) {
  return name !== 'test' && !/\.test\.tsx?$/.test(name) && !name.endsWith('.md');
}

/** The build inputs in `dir` and below (none when it does not exist), in directory order. */
function buildInputsUnder(dir) {
  let entries;
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    if (!isBuildInput(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return buildInputsUnder(full);
    return entry.isFile() ? [full] : [];
  });
}

function mtimeOf(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return null;
  }
}

function isDirectory(file) {
  try {
    return fs.statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * @param {object} build
 * @param {string[]} build.inputs files, and directories whose build inputs (see `isBuildInput`) count
 * @param {string[]} build.outputs the files the build writes
 * @param {string} [build.stamp] a file touched at the start of each successful build: build scripts
 *   may leave an unchanged output untouched, so the build counts as done at the later of the stamp
 *   and the oldest output
 * @returns {{ kind: 'missing', files: string[] } | { kind: 'stale', file: string } | null}
 *   `missing`: the outputs that are not there (none listed when there are no outputs at all);
 *   `stale`: the first input changed since the build, or gone since (a listed file that no longer exists)
 */
function staleness({ inputs, outputs, stamp }) {
  if (outputs.length === 0) return { kind: 'missing', files: [] };
  const outputTimes = outputs.map(mtimeOf);
  const missing = outputs.filter((_file, index) => outputTimes[index] === null);
  if (missing.length > 0) return { kind: 'missing', files: missing };
  const builtAt = Math.max(Math.min(...outputTimes), (stamp && mtimeOf(stamp)) || 0);
  for (const input of inputs) {
    for (const file of isDirectory(input) ? buildInputsUnder(input) : [input]) {
      const changedAt = mtimeOf(file);
      if (changedAt === null || changedAt > builtAt) return { kind: 'stale', file };
    }
  }
  return null;
}

module.exports = { buildInputsUnder, isBuildInput, staleness };
