/**
 * What `twilio-run deploy` would upload, read with Twilio's own tooling (twilio-run's configuration
 * loader and @twilio-labs/serverless-api's local listing, which deploy uses): exactly the three
 * Function bundles, public (each checks the Flex token itself), no assets, on the pinned runtime;
 * each bundle loads and answers in a fresh Node process that has nothing but the bundle.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import { builtinModules } from 'module';
import os from 'os';
import path from 'path';
import { promisify } from 'util';

const SERVERLESS_DIR = path.resolve(__dirname, '..');
const CONFIG_FILE = path.join(SERVERLESS_DIR, '.twilioserverlessrc');

interface ListedResource {
  name: string;
  path: string;
  access: 'public' | 'protected' | 'private';
  filePath: string;
}

// eslint-disable-next-line @typescript-eslint/no-var-requires
const { getListOfFunctionsAndAssets } = require('@twilio-labs/serverless-api/dist/utils/fs') as {
  getListOfFunctionsAndAssets(
    cwd: string,
    config: { functionsFolderNames?: string[]; assetsFolderNames?: string[] },
  ): Promise<{ functions: ListedResource[]; assets: ListedResource[] }>;
};
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { readSpecializedConfig } = require('twilio-run/dist/config/global') as {
  readSpecializedConfig(baseDir: string, configFile: string, command: string): Record<string, unknown>;
};
// eslint-disable-next-line @typescript-eslint/no-var-requires
const buildScript = require('../scripts/build.js') as {
  build(options?: { write?: boolean }): Promise<{ metafile: unknown }>;
  buildIfStale(): Promise<void>;
  checkDeployDependencies(metafile: unknown, pkg?: object): void;
  directlyBundledPackages(metafile: unknown): string[];
};

jest.setTimeout(120_000);

const manifest = JSON.parse(fs.readFileSync(path.join(SERVERLESS_DIR, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const deployConfig = readSpecializedConfig(SERVERLESS_DIR, CONFIG_FILE, 'deploy');
let listing: { functions: ListedResource[]; assets: ListedResource[] };

beforeAll(async () => {
  await buildScript.buildIfStale();
  // The same search `twilio-run deploy` makes (serverless-api's client.deployLocalProject).
  listing = await getListOfFunctionsAndAssets(SERVERLESS_DIR, {
    functionsFolderNames: [String(deployConfig.functionsFolder)],
    ...(deployConfig.assetsFolder ? { assetsFolderNames: [String(deployConfig.assetsFolder)] } : {}),
  });
});

describe('twilio-run deploy', () => {
  it('uses the bundles folder, the service name and the pinned node22 runtime', () => {
    expect(deployConfig).toMatchObject({
      functionsFolder: 'functions',
      serviceName: 'plugin-stuck-tasks',
      runtime: 'node22',
    });
  });

  it('would upload exactly the five Functions, public, and no assets', () => {
    const functions = listing.functions.map(({ name, path: urlPath, access, filePath }) => ({
      name,
      urlPath,
      access,
      file: path.relative(SERVERLESS_DIR, filePath),
    }));
    expect(functions.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      ['close', 'history', 'orphan-conversations', 'scan', 'task'].map((name) => ({
        name: `/stuck-tasks/${name}`,
        urlPath: `/stuck-tasks/${name}`,
        access: 'public',
        file: path.join('functions', 'stuck-tasks', `${name}.js`),
      })),
    );
    expect(listing.assets).toEqual([]);
  });
});

describe('the bundles', () => {
  const declared = new Set(Object.keys(manifest.dependencies));

  it('require nothing but Node built-ins (they are self-contained)', () => {
    for (const bundle of listing.functions) {
      const required = [...fs.readFileSync(bundle.filePath, 'utf8').matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)]
        .map((match) => match[1])
        .filter((name) => !builtinModules.includes(name.replace(/^node:/, '').split('/')[0]));
      expect({ bundle: bundle.name, required: [...new Set(required)] }).toEqual({ bundle: bundle.name, required: [] });
    }
  });

  it('each load and answer in a fresh Node process that has only the bundle', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stuck-tasks-bundle-'));
    try {
      for (const bundle of listing.functions) {
        const copy = path.join(dir, path.basename(bundle.filePath));
        fs.copyFileSync(bundle.filePath, copy);
        // No node_modules anywhere up from the temporary folder, no NODE_PATH: only the bundle.
        const script = `
          globalThis.Twilio = { Response: class {
            constructor() { this.headers = {}; }
            setStatusCode(code) { this.statusCode = code; }
            setBody(body) { this.body = body; }
            appendHeader(key, value) { this.headers[key] = value; }
          } };
          const { handler } = require(${JSON.stringify(copy)});
          // No settings: the handler must answer 500 internal without reaching anything.
          handler({}, { request: { headers: {}, cookies: {} } }, (error, response) => {
            process.stdout.write('\\nANSWER ' + JSON.stringify({ error: error ? String(error) : null, status: response.statusCode, body: response.body }));
          });`;
        const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
          cwd: dir,
          env: { PATH: process.env.PATH ?? '', NODE_PATH: '' },
          timeout: 60_000,
        });
        // The handler's own log line (the misconfiguration) comes first.
        const answerLine = stdout.split('\n').find((line) => line.startsWith('ANSWER ')) ?? 'ANSWER null';
        const answer = JSON.parse(answerLine.slice('ANSWER '.length)) as {
          error: string | null;
          status: number;
          body: { error: { code: string } };
        };
        expect({
          bundle: bundle.name,
          error: answer.error,
          status: answer.status,
          code: answer.body.error.code,
        }).toEqual({
          bundle: bundle.name,
          error: null,
          status: 500,
          code: 'internal',
        });
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('carry only packages declared in "dependencies" (what SCA tools and npm audit --omit=dev see)', async () => {
    const { metafile } = await buildScript.build({ write: false });
    const carried = buildScript.directlyBundledPackages(metafile);
    expect(carried).toEqual(expect.arrayContaining(['https-proxy-agent', 'twilio-flex-token-validator', 'zod']));
    // Requests go through Node's own HTTP client (gateway/httpTransport.ts): twilio-node stays out of
    // the bundles (Twilio's runtime loads its own copy for the global `Twilio`).
    expect(carried).not.toContain('twilio');
    expect(carried.filter((name) => !declared.has(name))).toEqual([]);
    expect(() => buildScript.checkDeployDependencies(metafile)).not.toThrow();

    // The rule build --check-deploy enforces, on package.json variants.
    const without = { ...manifest.dependencies };
    delete without.zod;
    expect(() => buildScript.checkDeployDependencies(metafile, { dependencies: without })).toThrow(/carry code of zod/);
    expect(() =>
      buildScript.checkDeployDependencies(metafile, {
        dependencies: { ...manifest.dependencies, '@plugin-stuck-tasks/contract': '0.1.0' },
      }),
    ).toThrow(/cannot install @plugin-stuck-tasks\/contract/);
    const noHandler = { ...manifest.dependencies };
    delete noHandler['@twilio/runtime-handler'];
    expect(() => buildScript.checkDeployDependencies(metafile, { dependencies: noHandler })).toThrow(
      /@twilio\/runtime-handler must be declared/,
    );
  });
});
