/**
 * Peers for the benchmarks (other emulators, other consumers), installed on
 * demand into bench/.peers: gitignored, never dependencies of sluice.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const peersDir = fileURLToPath(new URL('../.peers', import.meta.url));

/** A file inside an installed peer package. */
export const peerPath = (pkg: string, file = ''): string => join(peersDir, 'node_modules', pkg, file);

/** Installed version of a peer, if any. */
export function peerVersion(name: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(peerPath(name, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Installs the given peers (name → exact version) unless they are there already. */
export function ensurePeers(specs: Record<string, string>, log: (line: string) => void): void {
  const missing = Object.entries(specs).filter(([name, version]) => peerVersion(name) !== version);
  if (missing.length === 0) return;
  mkdirSync(peersDir, { recursive: true });
  if (!existsSync(join(peersDir, 'package.json')))
    writeFileSync(join(peersDir, 'package.json'), '{"name":"sluice-bench-peers","private":true}\n');
  const list = missing.map(([n, v]) => `${n}@${v}`);
  log(`installing peers into bench/.peers: ${list.join(' ')}`);
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', ...list], {
    cwd: peersDir,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`npm install of ${list.join(' ')} failed`);
}
