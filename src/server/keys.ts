/**
 * Access keys for `--auth`: `AKID:secret` pairs, separated by commas or new
 * lines (the same text in SLUICE_AUTH_KEYS or in an --auth-file; lines
 * starting with '#' are comments). Parsed once at start-up into a frozen map.
 */
import type { KeyRing } from '../protocol/sigv4.ts';

/** @throws Error naming the bad entry, e.g. `SLUICE_AUTH_KEYS: entry 2 must be AKID:secret, got "abc"`. */
export function parseKeys(text: string, source: string): KeyRing {
  const keys = new Map<string, string>();
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e !== '' && !e.startsWith('#'));
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon).trim();
    const secret = entry.slice(colon + 1).trim();
    if (colon < 0 || !/^[A-Za-z0-9_-]{1,128}$/.test(id) || secret === '')
      throw new Error(`${source}: entry ${i + 1} must be AKID:secret, got "${entry.replace(/:.*/, ':…')}"`);
    keys.set(id, secret);
  });
  if (keys.size === 0) throw new Error(`${source}: no keys found (expected AKID:secret,…)`);
  return keys;
}
