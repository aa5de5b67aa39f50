/**
 * The optional peer dependencies (@pulumi/*, the renderers' libraries) are
 * loaded only by their own subpath: nothing `sluice` or the `sluice` CLI
 * imports, statically or dynamically, reaches them. Read off the sources'
 * import graph, so a stray import fails here rather than in a user's
 * project without Pulumi installed.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { it } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(import.meta.dirname, '../../..');
const optionalPeers = Object.keys(
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).peerDependenciesMeta ?? {},
);

/** Every package a source file reaches through relative imports, with the file that imports it. */
function packagesReached(entry: string): Map<string, string> {
  const reached = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const { fileName } of ts.preProcessFile(readFileSync(file, 'utf8'), true, true).importedFiles) {
      if (fileName.startsWith('.')) {
        const target = resolve(dirname(file), fileName);
        if (existsSync(target) && /\.[mc]?ts$/.test(target)) visit(target);
      } else if (!reached.has(fileName)) reached.set(fileName, file);
    }
  };
  visit(join(ROOT, entry));
  return reached;
}

const isPeer = (specifier: string) =>
  optionalPeers.some((p) => specifier === p || specifier.startsWith(`${p}/`));

it('neither sluice nor its CLI imports an optional peer dependency; sluice/pulumi does', () => {
  assert.ok(optionalPeers.includes('@pulumi/pulumi') && optionalPeers.includes('@pulumi/aws'));
  for (const entry of ['src/index.ts', 'src/cli/main.ts']) {
    const peers = [...packagesReached(entry)].filter(([specifier]) => isPeer(specifier));
    assert.deepEqual(
      peers.map(([specifier, file]) => `${specifier} (from ${file.slice(ROOT.length + 1)})`),
      [],
      entry,
    );
  }
  const pulumi = packagesReached('src/deploy/pulumi/index.ts');
  assert.ok(pulumi.has('@pulumi/pulumi') && pulumi.has('@pulumi/aws'));
});
