#!/usr/bin/env node
// The built CLI (dist/, what an installed package holds). In a checkout of the
// repository (src/ is there; the package ships without it) the TypeScript
// sources run through tsx instead, so `npx sluice` needs no build step and
// never runs a stale dist/.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import('../dist/cli/main.js');
}
