/** The README's error table lists exactly the registry's errors (fastify's docs-vs-registry check). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { ERRORS } from '../../src/sqs/registry.ts';

it('README lists every registered error, with its type, status and fault, and nothing else', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = /<!-- errors:start -->([\s\S]*?)<!-- errors:end -->/.exec(readme)?.[1];
  assert.ok(block, 'README has an errors table');
  const documented = [...block.matchAll(/^\| `([^`]+)` \| `([^`]+)` \| (\d+) \| (\w+) \|$/gm)]
    .map((m) => `${m[1]} ${m[2]} ${m[3]} ${m[4]}`)
    .sort();
  const registered = Object.values(ERRORS)
    .map((e) => `${e.code} ${e.type} ${e.status} ${e.fault}`)
    .sort();
  assert.deepEqual(documented, registered);
});
