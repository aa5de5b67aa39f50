/**
 * What a benchmark ran on. Results are only comparable on the same machine, so
 * every result file and table carries this block.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { driverPackage } from '../../src/store/sqlite/driver.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  betterSqlite3: string;
  sqlite: string;
  platform: string;
  date: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.slice(line.indexOf(':') + 1).trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  const pkg = require(`${name}/package.json`) as { version: string };
  return pkg.version;
}

/** The machine without the SQLite driver's fields. */
export type Host = Omit<Machine, 'betterSqlite3' | 'sqlite'>;

/** The machine without the SQLite driver's fields, for benchmarks that run sluice in other processes. */
export function describeHost(): Host {
  const { betterSqlite3: _, sqlite: __, ...host } = describeMachine('');
  return host;
}

/** `sqliteVersion` comes from the caller, who already has a database open. */
export function describeMachine(sqliteVersion: string): Machine {
  return {
    cpus: os.availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    betterSqlite3: packageVersion(driverPackage),
    sqlite: sqliteVersion,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    date: new Date().toISOString(),
  };
}
