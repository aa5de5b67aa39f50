#!/usr/bin/env node
/**
 * `npm run build` (and `prepack`): src/ → dist/, ESM JavaScript with source
 * maps and .d.ts, by tsc (tsconfig.build.json). tsc rewrites the sources'
 * `.ts` import specifiers to `.js` in JavaScript, but not in declarations
 * (microsoft/TypeScript#61037: tsc accepts them there, editors and older
 * compilers do not) nor in some dynamic imports (`const { x } = await
 * import('./x.ts')` inside a method); what it leaves is rewritten here, the
 * same length, so the source maps still hold. The dashboard's static files
 * (src/dashboard/static/) are copied as they are.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true }); // no stale file from a removed source

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (run.status !== 0) process.exit(run.status ?? 1);

// `from './x.ts'`, `import('./x.ts')`, `export * from '../y.ts'`: relative specifiers only, code only (not comments).
const specifier = /((?:from|import\()\s*['"])(\.{1,2}\/[^'"]*)\.([mc]?)ts(['"])/g;
for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(d\.[mc]?ts|[mc]?js)$/.test(entry.name)) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text
    .split('\n')
    .map((line) => (/^\s*(\*|\/\/)/.test(line) ? line : line.replace(specifier, '$1$2.$3js$4')))
    .join('\n');
  if (fixed !== text) writeFileSync(file, fixed);
}

// The dashboard's static files (plain ES modules and CSS: nothing to compile) ship beside its code.
cpSync(join(root, 'src/dashboard/static'), join(dist, 'dashboard/static'), { recursive: true });
