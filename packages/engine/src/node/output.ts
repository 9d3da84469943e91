import { open, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * A file cannot be written where asked: its directory is missing, is not a directory or takes no
 * new file, or the path is a directory. Found before any work; the message says which.
 */
export class OutputPathError extends Error {
  override readonly name = 'OutputPathError';
}

function codeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The hidden file beside `path` that a writer fills and then renames to `path`, so an interrupted
 * run never leaves a partial file under the final name.
 *
 * @example
 * temporaryPathOf('/data/rows.csv'); // '/data/.rows.csv.<pid>.partial'
 */
export function temporaryPathOf(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.partial`);
}

const REFUSALS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  // a directory that exists and yet answers ENOENT to a new file: /proc, /sys
  ENOENT: 'the file system takes no new files there',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
};

/**
 * Checks that a file can be written at `path` before any work, and reserves its temporary file:
 * the directory must exist and be a directory, `path` must not be a directory, and the directory
 * must take a new file — tested by creating the temporary file (empty), as permissions alone do not
 * tell (root passes `access` on /proc and on read-only mounts). Returns the temporary file's path;
 * the caller fills it and renames it to `path`, or removes it. Throws `OutputPathError`.
 *
 * @example
 * const temporary = await reserveOutput('/data/rows.csv'); // '/data/.rows.csv.<pid>.partial', empty
 */
export async function reserveOutput(path: string): Promise<string> {
  const directory = dirname(path);
  try {
    if (!(await stat(directory)).isDirectory()) throw new OutputPathError(`${directory} is not a directory`);
  } catch (error) {
    if (error instanceof OutputPathError) throw error;
    const code = codeOf(error);
    if (code === 'ENOENT') throw new OutputPathError(`directory ${directory} does not exist`, { cause: error });
    if (code === 'ENOTDIR') throw new OutputPathError(`${directory} is not a directory (a file is part of its path)`, { cause: error });
    throw new OutputPathError(`cannot use directory ${directory}: ${REFUSALS[code ?? ''] ?? (error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory() === true) throw new OutputPathError(`${path} is a directory; name a file in it`);
  const temporary = temporaryPathOf(path);
  try {
    // 'w', not 'wx': a file under this process's id is a leftover of a killed run
    await (await open(temporary, 'w')).close();
  } catch (error) {
    const code = codeOf(error);
    throw new OutputPathError(`cannot create a file in ${directory}: ${REFUSALS[code ?? ''] ?? (error instanceof Error ? error.message : String(error))}`, {
      cause: error,
    });
  }
  return temporary;
}
