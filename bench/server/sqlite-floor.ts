/**
 * SQLite's own CPU per message lifecycle, measured in the bench process between
 * the servers' rounds: the raw ceiling of bench:store (store/raw.ts: a bare
 * better-sqlite3 file in WAL mode with the store's pragmas, synchronous=NORMAL
 * so no fsync at all; 10 inserts per transaction, then select 10 + delete them
 * per transaction; none of the store's work). A lower bound on what any
 * SQLite-backed durable store spends per message, beside what issue 17's CPU
 * bar leaves for a store in the same run.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openRawBench } from '../store/raw.ts';

export interface SqliteFloor {
  /** Runs `messages` through the raw lifecycle; returns its CPU µs per message. */
  measure(): number;
  close(): void;
}

export function openSqliteFloor(dir: string, messages: number, bodyBytes: number): SqliteFloor {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const raw = openRawBench(join(dir, 'raw.db'), bodyBytes);
  const measure = () => {
    const start = process.cpuUsage();
    raw.measure(messages, 0);
    const used = process.cpuUsage(start);
    return (used.user + used.system) / messages;
  };
  measure(); // warm-up: JIT, page cache, the WAL's first growth
  return {
    measure,
    close() {
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
