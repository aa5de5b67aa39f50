/** The version in package.json, the one `sluice --version` prints; loads nothing else, so that answer is quick. */
import { readFileSync } from 'node:fs';

export const VERSION = (
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
