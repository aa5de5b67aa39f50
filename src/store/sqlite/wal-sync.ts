import { type FileHandle, open } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * The fsync that makes a SQLite file store's commits survive a power cut,
 * done off the event loop. The database runs `synchronous=NORMAL` (a commit
 * writes its WAL frames without an fsync); the committer then asks for this
 * before it acknowledges a durable operation (committer.ts). fdatasync, as
 * SQLite itself syncs on Linux, flushes the whole WAL file's data and size
 * (the inode's, whichever descriptor wrote it; not its timestamps), so every
 * commit written before it started is on disk when it returns — the promise of
 * `synchronous=FULL`, without blocking every other request for the 1–4 ms an
 * fsync takes on a cloud disk. Checkpoints sync the WAL and the database file
 * themselves (SQLite does so at NORMAL).
 */
export class WalSync {
  #wal: Promise<FileHandle> | undefined;

  /** @param dbPath the database file; its WAL is `${dbPath}-wal`. */
  constructor(private readonly dbPath: string) {}

  /** Flushes the WAL file's data (and, the first time, its directory entry) to disk. */
  async sync(): Promise<void> {
    this.#wal ??= this.#open();
    try {
      await (await this.#wal).datasync();
    } catch (e) {
      // A failed open is tried again next time; a failed fsync is the caller's to report.
      this.#wal = undefined;
      throw e;
    }
  }

  async #open(): Promise<FileHandle> {
    const wal = await open(`${this.dbPath}-wal`, 'r');
    // The WAL file was created by this store's first write: its name must survive a power cut too.
    const dir = await open(dirname(this.dbPath), 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
    return wal;
  }

  async close(): Promise<void> {
    const wal = this.#wal;
    this.#wal = undefined;
    await (await wal?.catch(() => undefined))?.close();
  }
}
