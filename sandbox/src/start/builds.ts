import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';

import {
  PAGE_SOURCE_DIR,
  PAGE_SOURCE_FILES,
  buildFlexPage,
  flexUiPackageJson,
  installedFlexVersion,
} from '../flex-host/pageBundle';
// A plain script shared with the Functions build and the CLI's launcher (one staleness rule for all).
import { buildInputsUnder, staleness } from '../../../serverless/scripts/staleness';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const PLUGIN_BUNDLE = path.join(REPO_ROOT, 'build', 'plugin-stuck-tasks.js');
const FUNCTIONS_SOURCE_DIR = path.join(REPO_ROOT, 'serverless', 'src', 'functions');
const FUNCTIONS_OUTPUT_DIR = path.join(REPO_ROOT, 'serverless', 'functions');
/** Build scripts may leave an unchanged output untouched, so each successful build also touches a stamp. */
const STAMP_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'stuck-tasks-sandbox');
const stampFile = (target: BuildTarget) =>
  path.join(STAMP_DIR, `${target.name.toLowerCase().replace(/\W+/g, '-')}.built`);
/**
 * The sandbox page: the real Flex UI bundled for the browser, cached between starts. Named after the
 * Flex version it holds; rebuilt when the lockfile (any installed package), Flex or the page's own
 * sources change.
 */
export const FLEX_PAGE_BUNDLE = path.join(STAMP_DIR, `flex-page-${installedFlexVersion()}.js`);

interface BuildTarget {
  name: string;
  /** Files (and directories of them) whose newest change must be older than the oldest output. */
  inputs: () => Promise<string[]>;
  outputs: () => Promise<string[]>;
  /** Builds the outputs, writing what it says to the log file. */
  build: (logFile: string) => Promise<void>;
}

const fromRoot = (...files: string[]) => files.map((file) => path.join(REPO_ROOT, file));

const TARGETS: BuildTarget[] = [
  {
    name: 'plugin',
    inputs: async () => [
      ...buildInputsUnder(path.join(REPO_ROOT, 'src')),
      ...buildInputsUnder(path.join(REPO_ROOT, 'contract', 'src')),
      ...fromRoot('package.json', 'webpack.config.js', 'tsconfig.json'),
    ],
    outputs: async () => [PLUGIN_BUNDLE],
    build: (logFile) => run(['npm', 'run', 'build'], logFile),
  },
  {
    name: 'Functions',
    inputs: async () => [
      ...buildInputsUnder(path.join(REPO_ROOT, 'serverless', 'src')),
      ...buildInputsUnder(path.join(REPO_ROOT, 'contract', 'src')),
      ...fromRoot('serverless/scripts/build.js', 'serverless/package.json'),
    ],
    outputs: async () => {
      // One bundle per function source, at the same relative path.
      const sources = buildInputsUnder(FUNCTIONS_SOURCE_DIR).filter((file) => file.endsWith('.ts'));
      return sources.map((source) =>
        path.join(FUNCTIONS_OUTPUT_DIR, path.relative(FUNCTIONS_SOURCE_DIR, source).replace(/\.ts$/, '.js')),
      );
    },
    build: (logFile) => run(['npm', 'run', 'build', '--workspace', 'serverless'], logFile),
  },
  {
    name: 'Flex page',
    inputs: async () => [
      ...buildInputsUnder(PAGE_SOURCE_DIR),
      ...PAGE_SOURCE_FILES,
      flexUiPackageJson(),
      ...fromRoot('package-lock.json'),
    ],
    outputs: async () => [FLEX_PAGE_BUNDLE],
    build: async (logFile) => {
      try {
        await buildFlexPage(FLEX_PAGE_BUNDLE);
      } catch (error) {
        await fs.writeFile(logFile, String(error instanceof Error ? error.message : error));
        throw new Error(`Bundling the Flex page failed:\n${String(error instanceof Error ? error.message : error)}`);
      }
    },
  },
];

/** Why the target must be rebuilt, or null when its output is there and newer than its inputs. */
export async function staleReason(target: BuildTarget): Promise<string | null> {
  const reason = staleness({
    inputs: await target.inputs(),
    outputs: await target.outputs(),
    stamp: stampFile(target),
  });
  if (reason === null) return null;
  if (reason.kind === 'stale') return `${path.relative(REPO_ROOT, reason.file)} changed since the last build`;
  return reason.files.length === 0 ? 'no output' : `${path.relative(REPO_ROOT, reason.files[0])} is missing`;
}

function run(command: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    void fs.open(logFile, 'w').then((log) => {
      const child = spawn(command[0], command.slice(1), {
        cwd: REPO_ROOT,
        stdio: ['ignore', log.fd, log.fd],
        env: { ...process.env, FORCE_COLOR: '0' },
      });
      // Stopping the sandbox mid-build (Ctrl-C) must not leave the build running.
      const killChild = () => child.kill('SIGTERM');
      process.once('exit', killChild);
      child.once('error', (error) => void log.close().then(() => reject(error)));
      child.once('exit', (code, signal) => {
        process.off('exit', killChild);
        void log.close().then(async () => {
          if (code === 0) return resolve();
          const output = (await fs.readFile(logFile, 'utf8').catch(() => '')).trimEnd();
          reject(
            new Error(
              `\`${command.join(' ')}\` failed (${signal ?? `exit code ${code}`}):\n` +
                output.split('\n').slice(-40).join('\n'),
            ),
          );
        });
      });
    }, reject);
  });
}

/**
 * Builds the plugin bundle, the Function bundles and the Flex page when they are missing or older
 * than their sources, so `npm start` always shows the current code. The builds are independent and
 * run side by side.
 */
export async function ensureBuilt(logDir: string, say: (line: string) => void = () => undefined): Promise<void> {
  await fs.mkdir(logDir, { recursive: true });
  const outcomes = await Promise.allSettled(TARGETS.map((target) => buildIfStale(target, logDir, say)));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}

async function buildIfStale(target: BuildTarget, logDir: string, say: (line: string) => void): Promise<void> {
  const reason = await staleReason(target);
  if (!reason) {
    say(`${target.name}: up to date`);
    return;
  }
  const started = Date.now();
  say(`${target.name}: building (${reason})…`);
  try {
    await target.build(path.join(logDir, `build-${target.name.toLowerCase().replace(/\W+/g, '-')}.log`));
  } catch (error) {
    // A failed build may leave fresh-looking output behind; drop it so the next start rebuilds.
    await Promise.all((await target.outputs()).map((file) => fs.rm(file, { force: true })));
    throw error;
  }
  await fs.mkdir(STAMP_DIR, { recursive: true });
  // Dated at the start of the build: a source saved while it ran makes the next start rebuild.
  await fs.writeFile(stampFile(target), '');
  await fs.utimes(stampFile(target), new Date(started), new Date(started));
  say(`${target.name}: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
