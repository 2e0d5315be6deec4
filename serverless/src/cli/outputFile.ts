import fs from 'fs';
import path from 'path';
import { CliError, EXIT_CODES } from './errors';

/**
 * Report files (`--out`) are written only where the operator meant: never over an existing file
 * unless `--overwrite` was given, and never through a symbolic link (a link planted in a shared
 * directory would otherwise make the CLI overwrite whatever it points at).
 */

function refuse(file: string, problem: string): CliError {
  return new CliError(`Cannot write ${file}: ${problem}`, EXIT_CODES.usage);
}

function existing(file: string): fs.Stats | null {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw refuse(file, (error as Error).message);
  }
}

/** Fails before any Twilio request when the file could not be written afterwards. */
export function checkOutputFile(file: string, overwrite: boolean): void {
  const stats = existing(file);
  if (stats?.isSymbolicLink()) throw refuse(file, 'it is a symbolic link, which is never followed.');
  if (stats && !overwrite) throw refuse(file, 'it already exists (add --overwrite to replace it).');
  if (stats && !stats.isFile()) throw refuse(file, 'it is not a regular file.');
  try {
    fs.accessSync(stats ? file : path.dirname(file), fs.constants.W_OK);
  } catch (error) {
    throw refuse(file, (error as Error).message);
  }
}

/**
 * Writes `text` to `file`: created exclusively (O_EXCL, which also refuses a symbolic link) unless
 * `overwrite`, and then opened with O_NOFOLLOW, so a link swapped in after the check is not followed.
 */
export function writeOutputFile(file: string, text: string, overwrite: boolean): void {
  const { O_WRONLY, O_CREAT, O_EXCL, O_TRUNC } = fs.constants;
  const noFollow = fs.constants.O_NOFOLLOW ?? 0;
  const flags = O_WRONLY | O_CREAT | noFollow | (overwrite ? O_TRUNC : O_EXCL);
  if (overwrite && existing(file)?.isSymbolicLink())
    throw refuse(file, 'it is a symbolic link, which is never followed.');
  let fd: number;
  try {
    fd = fs.openSync(file, flags, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw refuse(file, 'it already exists (add --overwrite to replace it).');
    if (code === 'ELOOP') throw refuse(file, 'it is a symbolic link, which is never followed.');
    throw refuse(file, (error as Error).message);
  }
  try {
    fs.writeFileSync(fd, text);
  } catch (error) {
    throw refuse(file, (error as Error).message);
  } finally {
    fs.closeSync(fd);
  }
}
