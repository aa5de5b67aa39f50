import { addWait, mergeWaits, type WaitHistogram } from '../wait-histogram.ts';

/** What one queue did since the last history sample. */
export interface Tally {
  sent: number;
  received: number;
  deleted: number;
  waits: WaitHistogram;
}

export const emptyTally = (): Tally => ({ sent: 0, received: 0, deleted: 0, waits: {} });

/**
 * Sends, receives, deletes and first-receive waits, counted in memory on the
 * hot path (a map access and an addition, never a write) and written to the
 * queue history by the next sample (history.ts). Counts made inside a group
 * transaction become real only when it commits: a rolled-back batch, which
 * the committer replays op by op, is not counted twice. What a crash loses
 * is the count since the last sample (at most a minute); a clean close
 * samples first.
 */
export class Activity {
  #pending = new Map<number, Tally>();
  #committed = new Map<number, Tally>();
  #hooked = false;
  #since: number;

  /** @param now when counting starts (the store opened). */
  /**
   * @param committer where counts wait for their transaction to commit (the
   * PostgreSQL store counts from its own after-commit hooks and passes one that runs next microtask).
   */
  constructor(
    private readonly committer: { afterCommit(fn: () => void): void },
    now: number,
  ) {
    this.#since = now;
  }

  /** When the counts not yet taken began. */
  get since(): number {
    return this.#since;
  }

  #tally(queueId: number): Tally {
    if (!this.#hooked) {
      this.#hooked = true;
      this.committer.afterCommit(() => this.#commit());
    }
    let t = this.#pending.get(queueId);
    if (!t) {
      t = emptyTally();
      this.#pending.set(queueId, t);
    }
    return t;
  }

  sent(queueId: number): void {
    this.#tally(queueId).sent++;
  }

  deleted(queueId: number, n = 1): void {
    if (n > 0) this.#tally(queueId).deleted += n;
  }

  /** `waits`: ms from send to this receive, for the messages received for the first time. */
  received(queueId: number, n: number, waits: readonly number[]): void {
    const t = this.#tally(queueId);
    t.received += n;
    for (const w of waits) addWait(t.waits, w);
  }

  /** The transaction was rolled back: its counts never happened. */
  discard(): void {
    this.#pending.clear();
    this.#hooked = false;
  }

  #commit(): void {
    this.#hooked = false;
    for (const [id, t] of this.#pending) {
      const into = this.#committed.get(id);
      if (!into) this.#committed.set(id, t);
      else {
        into.sent += t.sent;
        into.received += t.received;
        into.deleted += t.deleted;
        mergeWaits(into.waits, t.waits);
      }
    }
    this.#pending.clear();
  }

  /** Whether anything was counted since the last take. */
  get counted(): boolean {
    return this.#committed.size > 0;
  }

  /** The committed counts of a queue since the last take, without taking them. */
  peek(queueId: number): Tally {
    return this.#committed.get(queueId) ?? emptyTally();
  }

  /** The committed counts since the last take, by queue id; starts counting afresh. */
  take(now: number): Map<number, Tally> {
    const out = this.#committed;
    this.#committed = new Map();
    this.#since = now;
    return out;
  }
}
