/**
 * When a standard queue's in-flight messages can first be visible again: a
 * lower bound kept in memory per queue record, so that a receive looks for
 * returned messages (receive.ts, the head window) only when one may have
 * returned. Until then the oldest visible messages by visibility are the
 * oldest by send, and one look at the ready index is enough — the common case
 * of a busy queue whose messages are deleted well before their timeout.
 *
 * The bound only ever errs early: it is lowered by every claim and visibility
 * change, raised only after a receive has looked and found no returned
 * message, and unknown (0: look) for a record the store has just loaded.
 */
import type { QueueRecord } from './queue-registry.ts';

const returnsFrom = new WeakMap<QueueRecord, number>();

/** Whether a message of `queue` may have become visible again by `now`. */
export function mayHaveReturned(queue: QueueRecord, now: number): boolean {
  return (returnsFrom.get(queue) ?? 0) <= now;
}

/** A message of `queue` becomes visible again at `at` (a claim, a visibility change). */
export function returnsAt(queue: QueueRecord, at: number): void {
  const known = returnsFrom.get(queue);
  if (known !== undefined && at < known) returnsFrom.set(queue, at);
}

/**
 * A receive looked and found no returned message: none returns before `at`,
 * the earliest time a message not visible now becomes visible (undefined: none is hidden).
 */
export function noneReturnsBefore(queue: QueueRecord, at: number | undefined): void {
  returnsFrom.set(queue, at ?? Number.POSITIVE_INFINITY);
}
