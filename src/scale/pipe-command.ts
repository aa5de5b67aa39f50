/**
 * A pipe's command, checked once at start-up (before anything is received):
 * found and executable where spawn would look for it. A name with a `/` is a
 * path (relative to the working directory); any other name is looked up on
 * the children's PATH, as spawn does when it is given an environment.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';

/** Why `file` cannot be run, or undefined when it can: `command not found: x`, `permission denied: x`. */
export function commandProblem(file: string, path: string | undefined): string | undefined {
  const candidates = file.includes('/')
    ? [resolve(file)]
    : (path ?? '').split(delimiter).map((dir) => join(resolve(dir || '.'), file));
  let found = false;
  for (const candidate of candidates) {
    const kind = kindOf(candidate);
    if (kind === 'executable') return undefined;
    if (kind === 'other') found = true;
  }
  return found ? `permission denied: ${file}` : `command not found: ${file}`;
}

/** A file this process may execute, something else that exists (a directory, a file without x), or nothing. */
function kindOf(candidate: string): 'executable' | 'other' | 'missing' {
  try {
    if (!statSync(candidate).isFile()) return 'other';
    accessSync(candidate, constants.X_OK);
    return 'executable';
  } catch (thrown) {
    const code = (thrown as { code?: unknown }).code;
    return code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'other';
  }
}
