import path from 'node:path';

import { startSandbox, type Sandbox, type SandboxOptions } from '../../sandbox/src/start/sandbox';
import { ARTIFACTS_DIR } from './browser';

/** The whole sandbox on free loopback ports, logs under artifacts/e2e. */
export function startE2eSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  return startSandbox({
    seed: 'e2e',
    ports: { simulator: 0, functions: 0, host: 0 },
    logDir: path.join(ARTIFACTS_DIR, 'logs'),
    say: (line) => process.stdout.write(`[sandbox] ${line}\n`),
    ...options,
  });
}
