import type { Clock } from '../../time/clock.ts';

/**
 * Long polls wait here, costing nothing but a closure. A write that can make
 * messages receivable (send, release, redrive) bumps the queue's version while
 * its transaction runs and wakes the queue's waiters once it commits. A poller
 * records the version its own receive saw: if it moved on before the poller
 * got to wait, the poller retries at once instead of missing the wake-up.
 */
export class Waiters {
  #versions = new Map<number, number>();
  #waiting = new Map<number, Set<() => void>>();
  #dirty = new Set<number>();
  #closed = false;

  /**
   * @param fallbackMs with a store other processes write too (PostgreSQL), a
   * wait also ends after this many real ms, so a wake-up lost on the way (a
   * dropped LISTEN connection) costs a look at the queue, not the whole wait.
   */
  constructor(
    private readonly clock: Clock,
    private readonly fallbackMs?: number,
  ) {}

  get isClosed(): boolean {
    return this.#closed;
  }

  version(queueId: number): number {
    return this.#versions.get(queueId) ?? 0;
  }

  /** Marks a queue as changed (call inside the transaction); returns true the first time per batch. */
  bump(queueId: number): boolean {
    this.#versions.set(queueId, this.version(queueId) + 1);
    const first = this.#dirty.size === 0;
    this.#dirty.add(queueId);
    return first;
  }

  /** Wakes the waiters of every queue bumped since the last call (call after commit). */
  wakeDirty(): void {
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    for (const id of dirty) {
      const set = this.#waiting.get(id);
      if (!set) continue;
      this.#waiting.delete(id);
      for (const wake of set) wake();
    }
  }

  /**
   * Resolves when the queue changes after `seenVersion`, at `untilMs` on the
   * clock, when `signal` aborts, or when the store closes — whichever is first.
   */
  wait(queueId: number, seenVersion: number, untilMs: number, signal?: AbortSignal): Promise<void> {
    if (this.#closed || signal?.aborted || this.version(queueId) !== seenVersion) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let set = this.#waiting.get(queueId);
      if (!set) {
        set = new Set();
        this.#waiting.set(queueId, set);
      }
      const done = () => {
        cancelTimer();
        if (fallback) clearTimeout(fallback);
        signal?.removeEventListener('abort', done);
        this.#waiting.get(queueId)?.delete(done);
        resolve();
      };
      set.add(done);
      const cancelTimer = this.clock.setTimer(untilMs - this.clock.now(), done);
      const fallback = this.fallbackMs ? setTimeout(done, this.fallbackMs).unref() : undefined;
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Wakes every waiting poll to look again (wake-ups may have been missed). */
  wakeAll(): void {
    for (const id of this.#waiting.keys()) this.bump(id);
    this.wakeDirty();
  }

  /** Ends every open wait (the store is closing). */
  close(): void {
    this.#closed = true;
    for (const set of this.#waiting.values()) for (const wake of [...set]) wake();
    this.#waiting.clear();
  }
}
