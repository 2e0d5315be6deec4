#!/usr/bin/env node
'use strict';
// `npx stuck-tasks …`: the headless scan/close tool. See `npx stuck-tasks --help`.
const { loadTypeScriptEntry } = require('./run-typescript');

// `stuck-tasks scan --out - | head`: the reader went away; that is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

loadTypeScriptEntry('src/cli/main.ts')
  .then(({ runCli }) =>
    runCli(process.argv.slice(2), {
      stdin: process.stdin,
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      cwd: process.cwd(),
      onInterrupt: (listener) => {
        process.on('SIGINT', listener);
        return () => process.off('SIGINT', listener);
      },
    }),
  )
  .then(
    (exitCode) => {
      // HTTP keep-alive sockets would otherwise hold the process open after the work is done.
      process.exit(exitCode);
    },
    (error) => {
      process.stderr.write(`stuck-tasks: unexpected error: ${(error && error.stack) || error}\n`);
      process.exit(70);
    },
  );
