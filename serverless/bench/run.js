#!/usr/bin/env node
'use strict';
// `npm run bench [-- --sizes 1000,10000]`: see bench.ts. The same launcher runs the bench's helper
// processes (the simulator, the naive script), selected by a --role=… first argument.
const { loadTypeScriptEntry } = require('../bin/run-typescript');

loadTypeScriptEntry('bench/bench.ts')
  .then(({ main }) => main(process.argv.slice(2)))
  .then(
    (exitCode) => {
      if (exitCode !== undefined) process.exit(exitCode);
    },
    (error) => {
      process.stderr.write(`bench: ${(error && error.stack) || error}\n`);
      process.exit(1);
    },
  );
