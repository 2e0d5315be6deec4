#!/usr/bin/env node
/**
 * `npm start` in serverless/: the built Functions under `twilio-run start`, through the repository's
 * one launcher (sandbox/src/start/functions.ts), so this run too listens on 127.0.0.1 only and
 * answers unreadable bodies without an Express error page or stack trace (NODE_ENV=production).
 *
 * Usage: npm start -- [--env FILE] [--port PORT]     (defaults: .env, 3000)
 */
'use strict';
const fs = require('fs');
const path = require('path');
const dotenv = require('dotenv');
require('@plugin-stuck-tasks/sandbox/src/start/register-ts');
const { startFunctions } = require('@plugin-stuck-tasks/sandbox/src/start/functions');

function parseArgs(argv) {
  const options = { env: '.env', port: 3000 };
  for (let i = 0; i < argv.length; i += 1) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => (inline !== undefined ? inline : argv[++i]);
    if (flag === '--env') options.env = value();
    else if (flag === '--port' || flag === '-p') options.port = Number(value());
    else if (flag === '--help' || flag === '-h') options.help = true;
    else throw new Error(`Unknown option ${argv[i]} (accepted: --env FILE, --port PORT).`);
  }
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65535) {
    throw new Error('--port must be a port number (1-65535).');
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log('Usage: npm start -- [--env FILE] [--port PORT]   (defaults: .env, 3000; listens on 127.0.0.1)');
    return;
  }
  const envFile = path.resolve(options.env);
  if (!fs.existsSync(envFile)) {
    throw new Error(`No settings file ${envFile}: copy .env.example to .env and fill it in, or pass --env FILE.`);
  }
  const functions = await startFunctions({
    port: options.port,
    settings: dotenv.parse(fs.readFileSync(envFile)),
    echo: process.stdout,
    portHint: 'Pass another one with --port PORT.',
  });
  console.log(`\nFunctions on ${functions.url}/stuck-tasks/{scan,task,close} (Ctrl-C stops)`);
  const stop = () => functions.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error) => {
  console.error(error.message || error);
  process.exit(1);
});
