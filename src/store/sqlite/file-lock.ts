/**
 * One store per database file at a time. A second process serving the same
 * SQLite file would keep its own queue registry, waiters and move tasks and
 * serve a diverging view, so opening a file takes `<file>.lock`, which names
 * the holder (`<pid> <hostname>`), and a second opener is refused naming that
 * pid. Closing the store removes it.
 *
 * Node has no portable advisory lock without a native addon, so this is a
 * pid file, judged the way PostgreSQL judges postmaster.pid:
 * - created atomically (written aside, then hard-linked into place: it is
 *   never seen half-written, and only one of two racing openers gets it);
 * - a lock whose process is gone (SIGKILL, crash, power loss) is stale and
 *   taken over, so a restart needs no clean-up;
 * - a lock naming this process's own pid, but not held by it, is stale too:
 *   a container restarted with the same pid (1, usually);
 * - a lock from another hostname (a directory shared over the network, a
 *   recreated container) cannot be checked: refused, naming the host and the
 *   file to remove once that server is known to be gone;
 * - a reused pid (the holder died, an unrelated process got its number) is
 *   refused the same way; the message names the pid to check.
 */
import { closeSync, linkSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fsReason } from './fs-reason.ts';

/** Lock files this process holds: a second store on the same file in one process is refused too. */
const held = new Set<string>();

interface Holder {
  readonly pid: number;
  readonly host: string;
}

function holderOf(lock: string): Holder | undefined {
  try {
    const [pid, host = ''] = readFileSync(lock, 'utf8').trim().split(/\s+/);
    return /^\d+$/.test(pid ?? '') ? { pid: Number(pid), host } : undefined;
  } catch {
    return undefined;
  }
}

function alive(holder: Holder, lock: string): boolean {
  if (holder.host !== hostname()) return true; // cannot be checked from here
  if (holder.pid === process.pid) return held.has(lock);
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // alive, another user's
  }
}

function inUse(path: string, holder: Holder, lock: string): Error {
  const who =
    holder.host !== hostname()
      ? `pid ${holder.pid} on ${holder.host}; remove ${lock} if it is gone`
      : holder.pid === process.pid
        ? `pid ${holder.pid}, this process`
        : `pid ${holder.pid}`;
  return new Error(`data directory ${dirname(path)} is in use by another sluice process (${who})`);
}

/**
 * Takes the lock of the database file `path`; returns its release. Throws
 * one line naming the holder's pid, or the path and why it cannot be written.
 */
export function lockDatabaseFile(path: string): () => void {
  const lock = resolve(`${path}.lock`);
  const aside = `${lock}.${process.pid}`;
  try {
    const fd = openSync(aside, 'w');
    try {
      writeSync(fd, `${process.pid} ${hostname()}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new Error(`cannot use data directory ${dirname(path)}: ${fsReason(e)}`);
  }
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(aside, lock);
        held.add(lock);
        return () => {
          held.delete(lock);
          if (holderOf(lock)?.pid === process.pid) rmSync(lock, { force: true });
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new Error(`cannot use data directory ${dirname(path)}: ${fsReason(e)}`);
      }
      const holder = holderOf(lock);
      if (holder && alive(holder, lock)) throw inUse(path, holder, lock);
      if (attempt === 2) throw new Error(`cannot take ${lock}: it keeps changing`);
      rmSync(lock, { force: true }); // stale: its process is gone
    }
  } finally {
    rmSync(aside, { force: true });
  }
}
