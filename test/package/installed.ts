/**
 * sluice as a user gets it: `npm pack` of this checkout (which runs
 * `prepack`, the build), installed with production dependencies only
 * (`--omit=dev`) into a fresh project in a temporary directory.
 *
 * The install runs with `--ignore-scripts`, and the one native module the
 * store loads on this Node (better-sqlite3 12 on Node 20, 13 from 22) gets
 * its build from a cache (.tmp/native/, or this checkout's node_modules when
 * it is the same version built for the same Node): compiling SQLite takes
 * minutes where prebuilt binaries cannot be downloaded, and what is tested
 * here is sluice's package, not better-sqlite3's compiler. The first run on
 * a Node without a cached build compiles it once (`npm rebuild`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '../..');

export interface Installed {
  /** The user's project; sluice is in its node_modules. */
  app: string;
  tarball: string;
  remove(): void;
}

const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });

export function installPackage(): Installed {
  const root = mkdtempSync(join(tmpdir(), 'sluice-package-'));
  const packed = JSON.parse(npm(['pack', '--json', '--pack-destination', root], REPO)) as {
    filename: string;
  }[];
  const tarball = join(root, packed[0]!.filename);
  const app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  npm(['install', '--omit=dev', '--ignore-scripts', tarball], app);
  restoreNativeBuild(app);
  return { app, tarball, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** The driver package src/store/sqlite/driver.ts loads on this Node. */
export const driverPackage =
  Number(process.versions.node.split('.')[0]) >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';

function loads(dir: string): boolean {
  const binary = join(dir, 'build/Release/better_sqlite3.node');
  return (
    existsSync(binary) && spawnSync(process.execPath, ['-e', 'require(process.argv[1])', binary]).status === 0
  );
}

function restoreNativeBuild(app: string): void {
  const installed = join(app, 'node_modules', driverPackage);
  const { version } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
    version: string;
  };
  const key = `${driverPackage}@${version}-abi${process.versions.modules}-${process.platform}-${process.arch}`;
  const cached = join(REPO, '.tmp/native', key);
  const checkout = join(REPO, 'node_modules', driverPackage);
  if (!loads(cached)) {
    rmSync(cached, { recursive: true, force: true });
    const same =
      existsSync(join(checkout, 'package.json')) &&
      (JSON.parse(readFileSync(join(checkout, 'package.json'), 'utf8')) as { version: string }).version ===
        version;
    if (same && loads(checkout)) cpSync(join(checkout, 'build'), join(cached, 'build'), { recursive: true });
    else {
      npm(['rebuild', driverPackage, '--foreground-scripts'], app);
      cpSync(join(installed, 'build'), join(cached, 'build'), { recursive: true });
    }
  }
  cpSync(join(cached, 'build'), join(installed, 'build'), { recursive: true });
}

/** A dev dependency the user's own project would have (@types/node), taken from this checkout. */
export function linkDevDependency(app: string, name: string): void {
  mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true });
  if (!existsSync(join(app, 'node_modules', name)))
    symlinkSync(join(REPO, 'node_modules', name), join(app, 'node_modules', name));
}
