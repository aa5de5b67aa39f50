/**
 * Importing a user's own file (a worker module, a config), the one place that
 * does it.
 *
 * A TypeScript file needs a loader only where Node cannot strip types itself:
 * Node 22.18+ and 24 do (for files outside node_modules), so tsx is
 * registered only on an older Node (or for .tsx, which Node never runs),
 * once, and only when such a file comes. JavaScript never loads tsx.
 *
 * Its failures are said in one line a user can act on:
 *
 * - A .ts/.js file in a package without `"type": "module"` is loaded as
 *   CommonJS, where `import`/`export` with top-level await, or an ES-only
 *   import such as sluice, fail with Node's or esbuild's words about
 *   require(); this says what to change instead.
 * - tsx names a .mts/.cts file's syntax errors after a .ts file that does
 *   not exist (`x.ts:2:0` for x.mts); this names the real file, with a
 *   1-based column as editors count.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Signs that ES module syntax met the CommonJS loader (Node's codes and messages, esbuild's). */
const COMMONJS_SIGNS = [
  /ERR_REQUIRE_(ESM|ASYNC_MODULE|CYCLE_MODULE)/,
  /"cjs" output format/,
  /Cannot use import statement outside a module/,
  /require\(\) (of )?ES Module/i,
  /exports is not defined/,
];

/** The package.json that decides how `file` is loaded, and whether it says "type": "module". */
function packageOf(file: string): { path: string | undefined; module: boolean } {
  for (let dir = dirname(file); ; dir = dirname(dir)) {
    const path = join(dir, 'package.json');
    if (existsSync(path)) {
      try {
        return {
          path,
          module: (JSON.parse(readFileSync(path, 'utf8')) as { type?: unknown }).type === 'module',
        };
      } catch {
        return { path, module: false };
      }
    }
    if (dirname(dir) === dir) return { path: undefined, module: false };
  }
}

/** A path as the user would write it: relative to the working directory when under it. */
const shownPath = (path: string) => {
  const rel = relative(process.cwd(), path);
  return rel === '' ? '.' : rel.startsWith('..') ? path : rel;
};

/** The file esbuild meant: tsx reports x.mts and x.cts as x.ts. */
function realFile(reported: string): string {
  if (existsSync(reported) || !reported.endsWith('.ts')) return reported;
  return ['.mts', '.cts', '.tsx'].map((ext) => reported.replace(/\.ts$/, ext)).find(existsSync) ?? reported;
}

/**
 * One line for an import failure of `file` (shown to the user as `shown`), or the error unchanged.
 *
 * @example
 * try { await import(url) } catch (e) { throw explainImportError(e, '/app/x.ts', 'x.ts') }
 */
export function explainImportError(error: unknown, file: string, shown: string): unknown {
  const text =
    error instanceof Error ? `${(error as { code?: unknown }).code ?? ''} ${error.message}` : String(error);
  const ext = extname(file);
  if (['.ts', '.tsx', '.js', '.jsx'].includes(ext) && COMMONJS_SIGNS.some((sign) => sign.test(text))) {
    const pkg = packageOf(file);
    if (!pkg.module) {
      const rename = ext.startsWith('.t') ? '.mts' : '.mjs';
      const add = pkg.path
        ? `add "type": "module" to ${shownPath(pkg.path)}`
        : `add a package.json with "type": "module" to ${shownPath(dirname(file))}`;
      return new Error(`${shown} is loaded as CommonJS: ${add} or rename it to ${rename}`, { cause: error });
    }
  }
  const failed = /^Transform failed with \d+ errors?:\n(.+?):(\d+):(\d+): (?:ERROR: )?(.*)$/m.exec(
    text.trim(),
  );
  if (failed) {
    const [, reported = '', line, column, reason] = failed;
    const real = realFile(reported);
    const where = real === file ? shown : shownPath(real);
    return new Error(`${where}:${line}:${Number(column) + 1}: ${reason}`, { cause: error });
  }
  return error;
}

const TYPESCRIPT = /\.[mc]?ts$/;
let tsx: Promise<void> | undefined;

/** Whether this Node runs .ts files itself (`process.features.typescript` is 'strip' or 'transform'). */
export function stripsTypes(features: { typescript?: unknown } = process.features): boolean {
  return typeof features.typescript === 'string';
}

/** Registers tsx once, if `file` needs it on this Node. */
async function loaderFor(file: string): Promise<void> {
  if ((TYPESCRIPT.test(file) && !stripsTypes()) || file.endsWith('.tsx')) {
    tsx ??= import('tsx/esm/api').then(({ register }) => {
      register();
    });
    await tsx;
  }
}

/**
 * Imports a user's module by absolute path; a failure is explained
 * (explainImportError) with the path as the user wrote it (`shown`).
 *
 * @example
 * const module = await importFile(resolve('workers.ts'), 'workers.ts'); // { emails: WorkerDefinition, … }
 */
export async function importFile(file: string, shown = file): Promise<Record<string, unknown>> {
  await loaderFor(file);
  try {
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw explainImportError(error, file, shown);
  }
}
