import { readFileSync, promises as fs } from 'node:fs';
import path from 'node:path';

import { build } from 'esbuild';

/** The browser side of the sandbox page (its entry is `main.tsx`). */
export const PAGE_SOURCE_DIR = path.join(__dirname, 'browser');
/** The other sources that go into the page bundle. */
export const PAGE_SOURCE_FILES = [path.join(__dirname, 'session.ts'), __filename];

/** The installed Flex UI's version: the page bundle is built from it and named after it. */
export function installedFlexVersion(): string {
  return (JSON.parse(readFileSync(flexUiPackageJson(), 'utf8')) as { version: string }).version;
}

export function flexUiPackageJson(): string {
  return require.resolve('@twilio/flex-ui/package.json');
}

/**
 * Bundles the page (the real Flex UI with all its dependencies, React, ReactDOM, Redux, react-redux
 * and the host code) for the browser in one minified script. Flex's package is a webpack library
 * build that `require`s some 240 packages; esbuild resolves them the way a browser bundler does,
 * with the browser builds of `process` and `Buffer` for the few that still read those Node globals.
 */
export async function buildFlexPage(outFile: string): Promise<void> {
  await fs.mkdir(path.dirname(outFile), { recursive: true });
  const temporary = `${outFile}.${process.pid}.tmp`;
  await build({
    entryPoints: [path.join(PAGE_SOURCE_DIR, 'main.tsx')],
    bundle: true,
    outfile: temporary,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    jsx: 'transform',
    define: { 'process.env.NODE_ENV': '"production"', global: 'window' },
    inject: [path.join(PAGE_SOURCE_DIR, 'nodeGlobals.ts')],
    logLevel: 'silent',
  });
  // Renamed into place when complete: an interrupted build never leaves a truncated bundle behind.
  await fs.rename(temporary, outFile);
}
