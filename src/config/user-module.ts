/**
 * Imports a user's own module (a worker file, a config) by path. A
 * TypeScript file needs a loader only where Node cannot strip types itself:
 * Node 22.18+ and 24 do (for files outside node_modules), so tsx is
 * registered only on an older Node (or for .tsx, which Node never runs),
 * once, and only when such a file comes. JavaScript never loads tsx.
 */
import { pathToFileURL } from 'node:url';

const TYPESCRIPT = /\.[mc]?ts$/;
let tsx: Promise<void> | undefined;

/** Whether this Node runs .ts files itself (`process.features.typescript` is 'strip' or 'transform'). */
export function stripsTypes(features: { typescript?: unknown } = process.features): boolean {
  return typeof features.typescript === 'string';
}

/**
 * @example
 * const module = await importUserModule('workers.ts'); // { emails: WorkerDefinition, … }
 */
export async function importUserModule(path: string): Promise<Record<string, unknown>> {
  if ((TYPESCRIPT.test(path) && !stripsTypes()) || path.endsWith('.tsx')) {
    tsx ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await tsx;
  }
  return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
}
