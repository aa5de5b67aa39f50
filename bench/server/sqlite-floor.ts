/**
 * SQLite's own CPU per message lifecycle, measured in the bench process between
 * the servers' rounds: the raw ceiling of bench:store (store/raw.ts: a bare
 * better-sqlite3 file in WAL mode with the store's pragmas, synchronous=NORMAL
 * so no fsync at all; 10 inserts per transaction, then select 10 + delete them
 * per transaction; none of the store's work). A lower bound on what any
 * SQLite-backed durable store spends per message, beside what issue 17's CPU
 * bar leaves for a store in the same run.
 */
import { closeSync, fdatasyncSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { openRawBench } from '../store/raw.ts';

export interface SqliteFloor {
  /** Runs `messages` through the raw lifecycle; returns its CPU µs per message. */
  measure(): number;
  /**
   * CPU µs of one fdatasync, called in place (its cheapest form): a page
   * rewritten in a file that does not grow, as a reused WAL is. What a durable
   * store pays per group commit of sends, however it batches them.
   */
  fsync(): number;
  close(): void;
}

const FSYNCS = 100;

/** This process's CPU µs (user + system) while `work` runs, per unit of `count`. */
function cpuPer(count: number, work: () => void): number {
  const start = process.cpuUsage();
  work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

export function openSqliteFloor(dir: string, messages: number, bodyBytes: number): SqliteFloor {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const raw = openRawBench(join(dir, 'raw.db'), bodyBytes);
  const measure = () => cpuPer(messages, () => raw.measure(messages, 0));
  const page = Buffer.alloc(4096, 1);
  const fd = openSync(join(dir, 'fsync'), 'w');
  const fsync = () =>
    cpuPer(FSYNCS, () => {
      for (let i = 0; i < FSYNCS; i++) {
        writeSync(fd, page, 0, page.length, 0);
        fdatasyncSync(fd);
      }
    });
  measure(); // warm-up: JIT, page cache, the WAL's first growth
  fsync();
  return {
    measure,
    fsync,
    close() {
      closeSync(fd);
      raw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
