import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { buildInputsUnder, staleness } from '../scripts/staleness';

/** Every file gets an explicit time (seconds since the epoch): no test waits for the clock. */
const T = { old: 1_000_000, built: 2_000_000, stamped: 3_000_000, newer: 4_000_000 };

let dir: string;
const at = (...parts: string[]) => path.join(dir, ...parts);

function write(file: string, mtimeSeconds: number): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  fs.utimesSync(file, mtimeSeconds, mtimeSeconds);
  return file;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'staleness-'));
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('buildInputsUnder', () => {
  it('walks the directory and leaves out tests, test folders and docs', () => {
    write(at('src', 'a.ts'), T.old);
    write(at('src', 'nested', 'b.tsx'), T.old);
    write(at('src', 'nested', 'data.json'), T.old);
    write(at('src', 'a.test.ts'), T.old);
    write(at('src', 'nested', 'b.test.tsx'), T.old);
    write(at('src', 'test', 'fake.ts'), T.old);
    write(at('src', 'README.md'), T.old);

    expect(buildInputsUnder(at('src')).sort()).toEqual(
      [at('src', 'a.ts'), at('src', 'nested', 'b.tsx'), at('src', 'nested', 'data.json')].sort(),
    );
  });

  it('finds nothing in a directory that does not exist', () => {
    expect(buildInputsUnder(at('nowhere'))).toEqual([]);
  });
});

describe('staleness', () => {
  it('is null when every output is newer than every input', () => {
    write(at('src', 'a.ts'), T.old);
    const input = write(at('config.json'), T.old);
    const outputs = [write(at('out', 'a.js'), T.built), write(at('out', 'b.js'), T.newer)];

    expect(staleness({ inputs: [at('src'), input], outputs })).toBeNull();
  });

  it('names the missing outputs, and none when there are no outputs at all', () => {
    write(at('src', 'a.ts'), T.old);
    const present = write(at('out', 'a.js'), T.built);

    expect(staleness({ inputs: [at('src')], outputs: [present, at('out', 'b.js'), at('out', 'c.js')] })).toEqual({
      kind: 'missing',
      files: [at('out', 'b.js'), at('out', 'c.js')],
    });
    expect(staleness({ inputs: [at('src')], outputs: [] })).toEqual({ kind: 'missing', files: [] });
  });

  it('names the first input changed after the oldest output, walking directories', () => {
    write(at('src', 'a.ts'), T.old);
    const changed = write(at('src', 'nested', 'b.ts'), T.newer);
    const outputs = [write(at('out', 'a.js'), T.built), write(at('out', 'b.js'), T.newer)];

    expect(staleness({ inputs: [at('src')], outputs })).toEqual({ kind: 'stale', file: changed });
  });

  it('ignores changed tests and docs inside directories, but not files listed by name', () => {
    write(at('src', 'a.ts'), T.old);
    write(at('src', 'a.test.ts'), T.newer);
    write(at('src', 'test', 'fake.ts'), T.newer);
    write(at('src', 'README.md'), T.newer);
    const outputs = [write(at('out', 'a.js'), T.built)];

    expect(staleness({ inputs: [at('src')], outputs })).toBeNull();
    expect(staleness({ inputs: [at('src', 'test', 'fake.ts')], outputs })).toEqual({
      kind: 'stale',
      file: at('src', 'test', 'fake.ts'),
    });
  });

  it('counts a listed input file that is gone as changed', () => {
    const outputs = [write(at('out', 'a.js'), T.built)];

    expect(staleness({ inputs: [at('src', 'deleted.ts')], outputs })).toEqual({
      kind: 'stale',
      file: at('src', 'deleted.ts'),
    });
  });

  it('dates the build at its stamp when the build left an unchanged output untouched', () => {
    const input = write(at('src', 'a.ts'), T.built + 10);
    const outputs = [write(at('out', 'a.js'), T.built)];
    const stamp = write(at('cache', 'a.built'), T.stamped);

    expect(staleness({ inputs: [input], outputs })).toEqual({ kind: 'stale', file: input });
    expect(staleness({ inputs: [input], outputs, stamp })).toBeNull();
    expect(staleness({ inputs: [input], outputs, stamp: at('cache', 'never-built') })).toEqual({
      kind: 'stale',
      file: input,
    });
  });

  it('does not count an older stamp against a newer output', () => {
    const input = write(at('src', 'a.ts'), T.built);
    const outputs = [write(at('out', 'a.js'), T.stamped)];
    const stamp = write(at('cache', 'a.built'), T.old);

    expect(staleness({ inputs: [input], outputs, stamp })).toBeNull();
  });
});
