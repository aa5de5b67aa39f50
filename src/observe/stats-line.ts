/**
 * The periodic stats line: every `intervalMs` (60 s) one JSON line, exactly
 *
 *   {"workerId":…,"messagesProcessed":…,"messagesFailed":…,"uptimeSeconds":…,
 *    "throughputPerSecond":…,"throughputPerHour":…,"throughputPerDay":…}
 *
 * in that key order and nothing else (a promise in DESIGN.md), so scripts can
 * parse it. It is written raw, not through pino, whose level/time/pid keys
 * would break the shape.
 *
 * What the numbers mean:
 * - counts are cumulative since the StatsLine was created (the worker's start);
 *   `messagesProcessed` counts successful handler runs, `messagesFailed` failed
 *   attempts (a message that fails twice then succeeds adds 2 and 1);
 * - `uptimeSeconds` is whole seconds since creation (floored);
 * - throughput is the lifetime average, processed ÷ exact uptime (ms
 *   precision, not the floored seconds), 0 while uptime is 0. It is rounded per
 *   unit: per second to 3 decimals (so 1 message in 1000 s still shows), per
 *   hour and per day to whole messages. Each is rounded from the unrounded
 *   rate, so perHour is not perSecond × 3600 of the rounded value.
 */
import type { Clock } from '../time/clock.ts';

/** One stats line's fields, in the line's key order. */
export interface StatsSnapshot {
  workerId: string;
  messagesProcessed: number;
  messagesFailed: number;
  uptimeSeconds: number;
  throughputPerSecond: number;
  throughputPerHour: number;
  throughputPerDay: number;
}

export interface StatsLineOptions {
  workerId: string;
  clock: Clock;
  /** Receives each line without a trailing newline (the sink adds it, as the server's `log` does). */
  write: (line: string) => void;
  /** Defaults to 60 000. */
  intervalMs?: number;
  /**
   * Where the counts come from instead of processed()/failed(): the
   * supervisor's line sums its worker processes' reports.
   */
  counts?: () => { processed: number; failed: number };
  /** Told when `write` throws; the schedule goes on regardless. */
  onError?: (error: unknown) => void;
}

const round = (value: number, decimals: number) => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};

/**
 * Counts processed and failed messages and writes the stats line on a timer.
 *
 * @example
 * const stats = new StatsLine({ workerId: 'w-1', clock: systemClock, write: (l) => process.stdout.write(`${l}\n`) });
 * stats.start();
 * stats.processed();
 * stats.stop({ flush: true }); // one last line on shutdown
 */
export class StatsLine {
  readonly #options: StatsLineOptions;
  readonly #intervalMs: number;
  readonly #startedAt: number;
  #processed = 0;
  #failed = 0;
  #cancel: (() => void) | undefined;
  /** The last interval boundary (counted from creation) whose line the timer wrote. */
  #lastTick = 0;

  constructor(options: StatsLineOptions) {
    const intervalMs = options.intervalMs ?? 60_000;
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
    this.#options = options;
    this.#intervalMs = intervalMs;
    this.#startedAt = options.clock.now();
  }

  processed(n = 1): void {
    this.#processed += n;
  }

  failed(n = 1): void {
    this.#failed += n;
  }

  /** Starts the timer; lines fall at creation + k × interval, so late timers do not drift. Idempotent. */
  start(): void {
    if (this.#cancel) return;
    this.#schedule();
  }

  /** Stops the timer; with `flush`, writes one last line first. Idempotent. */
  stop(options: { flush?: boolean } = {}): void {
    this.#cancel?.();
    this.#cancel = undefined;
    if (options.flush) this.#emit();
  }

  /** The fields the next line would carry, as of now. */
  snapshot(): StatsSnapshot {
    const uptimeMs = Math.max(0, this.#options.clock.now() - this.#startedAt);
    const { processed, failed } = this.#options.counts?.() ?? {
      processed: this.#processed,
      failed: this.#failed,
    };
    const perSecond = uptimeMs > 0 ? processed / (uptimeMs / 1000) : 0;
    // Built field by field in the promised order; JSON.stringify keeps insertion order.
    return {
      workerId: this.#options.workerId,
      messagesProcessed: processed,
      messagesFailed: failed,
      uptimeSeconds: Math.floor(uptimeMs / 1000),
      throughputPerSecond: round(perSecond, 3),
      throughputPerHour: Math.round(perSecond * 3600),
      throughputPerDay: Math.round(perSecond * 86_400),
    };
  }

  #schedule(): void {
    // The next boundary after now and after the last line written: a timer
    // that fires a millisecond early must not write the same boundary twice.
    const elapsed = this.#options.clock.now() - this.#startedAt;
    const tick = Math.max(Math.floor(elapsed / this.#intervalMs), this.#lastTick) + 1;
    const due = this.#startedAt + tick * this.#intervalMs;
    this.#cancel = this.#options.clock.setTimer(due - this.#options.clock.now(), () => {
      this.#lastTick = tick;
      this.#emit();
      if (this.#cancel) this.#schedule();
    });
  }

  #emit(): void {
    try {
      this.#options.write(JSON.stringify(this.snapshot()));
    } catch (error) {
      // A broken sink must not stop the schedule (or the worker); report and go on.
      try {
        this.#options.onError?.(error);
      } catch {}
    }
  }
}
