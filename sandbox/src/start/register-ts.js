// Lets Node require the sandbox's TypeScript directly: each .ts file is transpiled by esbuild when it
// is first required (types are checked by `npm run typecheck`, not here). Every file keeps its own
// path, so __dirname and stack traces point at the source.
//
// Why not serverless/bin/run-typescript.js (the other way to run TypeScript here): that one bundles an
// entry into one cached file, which suits the CLI's bin; here the launchers (start/functions.ts) find the
// repository and the scripts they preload from __dirname, so every file must stay where it is.
'use strict';
const fs = require('node:fs');
const esbuild = require('esbuild');

function compileTypeScript(module, filename) {
  const { code } = esbuild.transformSync(fs.readFileSync(filename, 'utf8'), {
    loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
  });
  module._compile(code, filename);
}

require.extensions['.ts'] = compileTypeScript;
require.extensions['.tsx'] = compileTypeScript;
process.setSourceMapsEnabled(true);
