/**
 * aws-cdk-lib and constructs, @pulumi/pulumi and @pulumi/aws are optional
 * peer dependencies: `sluice` must load without them. Every module the core
 * entry reaches (static and dynamic imports, followed through the sources)
 * imports none of them; only `sluice/cdk` and `sluice/pulumi` do, each its
 * own.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const SRC = resolve(import.meta.dirname, '../../../src');
/** Every bare package a module imports, following its relative imports. */
function packagesReached(entry: string): Map<string, string> {
  const seen = new Set<string>();
  const packages = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    // TypeScript's own scan: imports, exports and import() calls, not the examples in comments.
    for (const { fileName: specifier } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true)
      .importedFiles) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else if (!packages.has(specifier)) packages.set(specifier, file.slice(SRC.length + 1));
    }
  };
  visit(entry);
  return packages;
}

const peers = (packages: Map<string, string>) =>
  [...packages].filter(([name]) => /^(aws-cdk-lib|constructs|cdk-nag|@pulumi\/[^/]+)(\/|$)/.test(name));

describe('the optional peers', () => {
  it('the core entry (src/index.ts) and the CLI reach no aws-cdk-lib, constructs or @pulumi/*', () => {
    assert.deepEqual(peers(packagesReached(resolve(SRC, 'index.ts'))), []);
    assert.deepEqual(peers(packagesReached(resolve(SRC, 'cli/main.ts'))), []);
  });

  it('sluice/cdk does, and never cdk-nag (a dev dependency)', () => {
    const reached = peers(packagesReached(resolve(SRC, 'deploy/cdk/index.ts'))).map(
      ([name]) => name.split('/')[0],
    );
    assert.deepEqual([...new Set(reached)].sort(), ['aws-cdk-lib', 'constructs']);
  });

  it('sluice/pulumi reaches @pulumi/pulumi and @pulumi/aws, and nothing of CDK', () => {
    const reached = peers(packagesReached(resolve(SRC, 'deploy/pulumi/index.ts'))).map(([name]) =>
      name.split('/').slice(0, 2).join('/'),
    );
    assert.deepEqual([...new Set(reached)].sort(), ['@pulumi/aws', '@pulumi/pulumi']);
  });
});
