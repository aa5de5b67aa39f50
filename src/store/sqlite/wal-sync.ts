import { closeSync, fdatasync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The fsync that makes a SQLite file store's commits survive a power cut.
 * The database runs `synchronous=NORMAL` (a commit writes its WAL frames
 * without an fsync); the committer then asks for this before it acknowledges a
 * durable operation (committer.ts). fdatasync, as SQLite itself syncs on
 * Linux, flushes the whole WAL file's data and size (the inode's, whichever
 * descriptor wrote it; not its timestamps), so every commit written before it
 * started is on disk when it returns — the promise of `synchronous=FULL`.
 * Checkpoints sync the WAL and the database file themselves (SQLite does so
 * at NORMAL).
 *
 * Two ways to wait for it, chosen by the store's caller (committer.ts,
 * Durability): `sync()` on libuv's thread pool, so the event loop goes on for
 * the 1–4 ms an fsync takes on a cloud disk; `syncNow()` on the event loop,
 * which spares the two thread hops (about 100 µs of CPU per fsync on this
 * kind of VM: bench/README.md).
 */
export class WalSync {
  #fd: number | undefined;

  /** @param dbPath the database file; its WAL is `${dbPath}-wal`. */
  constructor(private readonly dbPath: string) {}

  /** Flushes the WAL file's data (and, the first time, its directory entry) to disk, off the event loop. */
  sync(): Promise<void> {
    let fd: number;
    try {
      fd = this.#open();
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => fdatasync(fd, (e) => (e ? reject(e) : resolve())));
  }

  /** The same, blocking the event loop until the disk has it. */
  syncNow(): void {
    fdatasyncSync(this.#open());
  }

  /** The WAL's descriptor, opened on first use; a failed open is tried again next time. */
  #open(): number {
    if (this.#fd !== undefined) return this.#fd;
    const wal = openSync(`${this.dbPath}-wal`, 'r');
    try {
      // The WAL file was created by this store's first write: its name must survive a power cut too.
      const dir = openSync(dirname(this.dbPath), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    } catch (e) {
      closeSync(wal);
      throw e;
    }
    this.#fd = wal;
    return wal;
  }

  /** Closes the descriptor (the committer has closed: no fsync is running). */
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
