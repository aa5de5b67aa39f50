/**
 * Liveness of one poll loop — the rule behind the worker's `GET /health`.
 *
 * STALLED means: the queue is known to have messages, the loop is not
 * deliberately holding back (all concurrency slots busy), and no receive has
 * completed for longer than `stallAfterMs`. That is sqs-consumer's silent
 * stall (#130, #241): a receive hung on a dead socket, or a loop that died
 * while work piles up. Restarting the process is the cure, so /health fails.
 *
 * What is NOT stalled, and why:
 * - An idle empty queue. Nothing waits, so nobody is harmed; a restart could
 *   not make it better, and an orchestrator restarting idle workers in a
 *   loop would be worse. The stall is caught as soon as the backlog is known
 *   (below).
 * - A saturated loop. With every slot busy the poller does not receive, by
 *   design; slow handlers are not a dead loop. The stall clock restarts when
 *   a slot frees up.
 * - Failed receives (network errors, throttling). The loop is alive and
 *   backing off; an outage of the queue service is not cured by restarting
 *   workers, so the caller reports a completed receive either way.
 *
 * Backlog knowledge (`backlogKnown`) comes from receives — messages returned:
 * true; an empty receive: false — and, to catch a loop that hangs after an
 * empty receive, from an independent probe such as GetQueueAttributes'
 * ApproximateNumberOfMessages. Before anything is known the loop is healthy,
 * and the stall clock starts at creation (a grace period for the first receive).
 */
import type { Clock } from '../time/clock.ts';

export interface LivenessResult {
  ok: boolean;
  reason?: string;
}

export interface PollLivenessOptions {
  clock: Clock;
  /** Longer than a long poll plus the client's request timeout (e.g. 20 s wait + 30 s timeout → ≥ 60 s). */
  stallAfterMs: number;
}

/**
 * Tracks one poll loop's progress and judges whether it has stalled.
 *
 * @example
 * const liveness = new PollLiveness({ clock: systemClock, stallAfterMs: 60_000 });
 * // after every receive call settles (even with an error):
 * liveness.receiveCompleted();
 * liveness.backlogKnown(messages.length > 0);
 * liveness.check(); // { ok: true }
 */
export class PollLiveness {
  readonly #clock: Clock;
  readonly #stallAfterMs: number;
  /** When the loop last showed progress: a receive completed or saturation ended. */
  #progressAt: number;
  #hasMessages = false;
  #saturated = false;

  constructor(options: PollLivenessOptions) {
    if (!(options.stallAfterMs > 0)) {
      throw new RangeError(`stallAfterMs must be > 0, got ${options.stallAfterMs}`);
    }
    this.#clock = options.clock;
    this.#stallAfterMs = options.stallAfterMs;
    this.#progressAt = options.clock.now();
  }

  /** A receive call settled, with messages, empty, or with an error. */
  receiveCompleted(): void {
    this.#progressAt = this.#clock.now();
  }

  /** The latest knowledge of whether the queue holds messages. */
  backlogKnown(hasMessages: boolean): void {
    this.#hasMessages = hasMessages;
  }

  /** Whether every concurrency slot is busy (the poller holds back on purpose). */
  saturated(full: boolean): void {
    // Leaving saturation gives the loop a fresh stallAfterMs to receive again.
    if (this.#saturated && !full) this.#progressAt = this.#clock.now();
    this.#saturated = full;
  }

  check(): LivenessResult {
    if (this.#saturated || !this.#hasMessages) return { ok: true };
    const sinceMs = this.#clock.now() - this.#progressAt;
    if (sinceMs <= this.#stallAfterMs) return { ok: true };
    return {
      ok: false,
      reason:
        `poll loop stalled: no receive completed for ${Math.floor(sinceMs / 1000)} s ` +
        `while the queue has messages (limit ${this.#stallAfterMs / 1000} s)`,
    };
  }
}
