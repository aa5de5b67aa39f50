/**
 * The poller keeps the dispatcher's slots full.
 *
 * Poller states:
 *
 *   RUNNING   `pump()` (called at start, whenever slots free up, a receive
 *             ends, or a pause runs out) starts receives while all hold:
 *             fewer than `maxOpen` are open; free slots ≥ min(batchSize,
 *             concurrency), or some are free and no receive is open; a queue
 *             is eligible. Each receive reserves min(batchSize, free) slots
 *             first, so it starts the moment that many are free — not when a
 *             whole batch ends — and long polls run back to back, no sleep,
 *             while messages flow.
 *   STOPPING  the shutdown signal aborted: no new receives; the open long
 *             polls are aborted by the same signal (messages a receive still
 *             brings are delivered; the worker hands them back).
 *   STOPPED   STOPPING and no receive open: `idle` resolves.
 *
 * Each queue, within RUNNING:
 *
 *   FLOWING   its last receive brought messages: as many receives as slots allow.
 *   WATCHING  its last receive was empty or failed (or none yet): one receive
 *             at a time, so an empty queue costs one open long poll.
 *   PAUSED    until `pausedUntil`: `pollIntervalMs` after an empty short poll
 *             (or a long poll that returned empty early: a server that does
 *             not wait must not make a hot loop); after a receive error, a
 *             capped exponential backoff with full jitter. Errors never end
 *             the loop.
 *
 * Several queues: each receive goes to a queue chosen among the eligible
 * ones by `priority` (`strict`: the first in the list; `weighted`: smooth
 * weighted round-robin). A WATCHING queue's receive asks for one message
 * (one slot), so empty queues do not hold the slots the others need; while
 * some queue is FLOWING it is a short poll (a check: an empty one PAUSES the
 * queue for `pollIntervalMs`), so a higher-priority queue is looked at again
 * within `pollIntervalMs` without holding a slot for a whole long poll.
 * While none flows, watches are long polls, and a watch that returned empty
 * lets the other queues go first once (fair turns when slots are fewer than
 * queues).
 *
 * The one await is the receive call in `#receive`.
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import type { WorkerMetrics } from '../observe/metrics.ts';
import type { Message } from '../sqs/types.ts';
import type { Clock } from '../time/clock.ts';
import { receiveErrorDelayMs } from './backoff.ts';
import { coerceError } from './boundary.ts';
import type { QueueRef } from './message.ts';
import { type Candidate, pickQueue } from './queues.ts';

/** Receives open at once at most, whatever the concurrency (besides one watch per queue). */
export const MAX_OPEN_RECEIVES = 16;

export type PollMetrics = Pick<WorkerMetrics, 'received' | 'emptyReceive' | 'receiveDuration'>;

/** What liveness learns from the poll loop (PollLiveness implements it). */
export interface PollListener {
  receiveCompleted(): void;
  backlogKnown(hasMessages: boolean): void;
  saturated(full: boolean): void;
}

export interface Slots {
  readonly free: number;
  reserve(n: number): void;
  unreserve(n: number): void;
}

export interface PollerOptions {
  client: QueueClient;
  clock: Clock;
  random: () => number;
  log: Logger;
  metrics: PollMetrics;
  listener: PollListener | undefined;
  queues: readonly { ref: QueueRef; weight: number }[];
  priority: 'weighted' | 'strict';
  concurrency: number;
  batchSize: number;
  waitTimeSeconds: number;
  visibilityTimeout: number;
  pollIntervalMs: number;
  slots: Slots;
  /** Messages of one receive, made invisible at `receivedAt`; called even while stopping. */
  deliver(queue: QueueRef, messages: Message[], receivedAt: number): void;
  /** The shutdown signal. */
  signal: AbortSignal;
}

interface QueueState extends Candidate {
  readonly ref: QueueRef;
  open: number;
  /** WATCHING (true) or FLOWING (false). */
  watching: boolean;
  pausedUntil: number;
  errors: number;
  /** Its last long-poll watch returned empty: the others go first, once. */
  yielded: boolean;
}

export class Poller {
  readonly #o: PollerOptions;
  readonly #queues: QueueState[];
  readonly #maxOpen: number;
  readonly #fullBatch: number;
  #open = 0;
  /** Slots reserved by open receives (not yet filled by messages). */
  #reserved = 0;
  #pumping = false;
  #again = false;
  #saturated = false;
  #cancelWake: (() => void) | undefined;
  #wakeAt = Number.POSITIVE_INFINITY;
  #resolveIdle!: () => void;
  /** Resolves once stopping and no receive is open. */
  readonly idle = new Promise<void>((resolve) => {
    this.#resolveIdle = resolve;
  });

  constructor(options: PollerOptions) {
    this.#o = options;
    this.#queues = options.queues.map((q) => ({
      ref: q.ref,
      weight: q.weight,
      current: 0,
      open: 0,
      watching: true,
      pausedUntil: 0,
      errors: 0,
      yielded: false,
    }));
    this.#fullBatch = Math.min(options.batchSize, options.concurrency);
    // One watch per queue on top of the receives that fill the slots.
    this.#maxOpen =
      Math.min(Math.ceil(options.concurrency / options.batchSize), MAX_OPEN_RECEIVES) +
      this.#queues.length -
      1;
    options.signal.addEventListener('abort', () => this.#stopping(), { once: true });
  }

  /** Receives open now. */
  get open(): number {
    return this.#open;
  }

  /** Starts every receive that may start now; safe to call at any time, from anywhere. */
  pump(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = true;
    try {
      do {
        this.#again = false;
        while (this.#startOne()) {}
      } while (this.#again);
    } finally {
      this.#pumping = false;
    }
    // Saturated: every slot holds a message. Slots merely reserved by an open
    // receive do not count: a receive hung on a dead socket is the stall to catch.
    const saturated = this.#o.slots.free + this.#reserved <= 0;
    if (saturated !== this.#saturated) {
      this.#saturated = saturated;
      this.#o.listener?.saturated(saturated);
    }
  }

  #startOne(): boolean {
    if (this.#o.signal.aborted || this.#open >= this.#maxOpen) return false;
    const free = this.#o.slots.free;
    if (free <= 0) return false;
    const now = this.#o.clock.now();
    const multi = this.#queues.length > 1;
    // A full receive waits until a batch worth of slots is free, unless none is open.
    const fullFits = free >= this.#fullBatch || this.#open === 0;
    const eligible = (q: QueueState) =>
      now >= q.pausedUntil && (q.watching ? q.open === 0 && (multi || fullFits) : fullFits);
    const queue =
      pickQueue(this.#queues, this.#o.priority, (q) => !q.yielded && eligible(q)) ??
      pickQueue(this.#queues, this.#o.priority, eligible);
    if (!queue) {
      this.#armWake(now);
      return false;
    }
    for (const q of this.#queues) if (q !== queue) q.yielded = false;
    const watch = multi && queue.watching;
    const n = watch ? 1 : Math.min(this.#o.batchSize, free);
    const wait = watch && this.#queues.some((q) => !q.watching) ? 0 : this.#o.waitTimeSeconds;
    this.#o.slots.reserve(n);
    this.#reserved += n;
    queue.open++;
    this.#open++;
    void this.#receive(queue, n, wait);
    return true;
  }

  async #receive(queue: QueueState, n: number, waitTimeSeconds: number): Promise<void> {
    const { clock } = this.#o;
    const started = clock.now();
    let messages: Message[] | undefined;
    let failure: unknown;
    try {
      // The only await of the loop.
      const output = await this.#o.client.receiveMessage(
        {
          QueueUrl: queue.ref.url,
          MaxNumberOfMessages: n,
          WaitTimeSeconds: waitTimeSeconds,
          VisibilityTimeout: this.#o.visibilityTimeout,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        },
        { signal: this.#o.signal },
      );
      messages = output.Messages ?? [];
    } catch (thrown) {
      failure = thrown;
    }
    queue.open--;
    this.#open--;
    this.#reserved -= n;
    const now = clock.now();
    // The queue's new state first: giving slots back pumps at once, and the pump must see it.
    if (messages === undefined) {
      if (!this.#o.signal.aborted) this.#failed(queue, failure, now);
      // A failing receive is a live loop backing off (a queue outage is not cured by a restart).
      this.#o.listener?.receiveCompleted();
      this.#o.slots.unreserve(n);
    } else {
      this.#completed(queue, messages, now, now - started, waitTimeSeconds);
      this.#o.slots.unreserve(n - messages.length);
      if (messages.length) this.#o.deliver(queue.ref, messages, now);
    }
    if (this.#o.signal.aborted) {
      if (this.#open === 0) this.#resolveIdle();
    } else this.pump();
  }

  #completed(
    queue: QueueState,
    messages: Message[],
    now: number,
    tookMs: number,
    waitTimeSeconds: number,
  ): void {
    const { metrics, listener } = this.#o;
    const name = queue.ref.name;
    queue.errors = 0;
    metrics.receiveDuration(name, tookMs / 1000);
    listener?.receiveCompleted();
    if (messages.length === 0) {
      queue.watching = true;
      metrics.emptyReceive(name);
      listener?.backlogKnown(false);
      if (this.#o.signal.aborted) return;
      if (waitTimeSeconds === 0 || tookMs < waitTimeSeconds * 1000)
        queue.pausedUntil = now + this.#o.pollIntervalMs;
      else queue.yielded = this.#queues.length > 1;
      return;
    }
    queue.watching = false;
    const lags: number[] = [];
    for (const m of messages) {
      const sent = Number(m.Attributes?.SentTimestamp);
      if (Number.isFinite(sent)) lags.push((now - sent) / 1000);
    }
    metrics.received(name, messages.length, lags);
    listener?.backlogKnown(true);
  }

  #failed(queue: QueueState, thrown: unknown, now: number): void {
    queue.errors++;
    queue.watching = true;
    const delay = receiveErrorDelayMs(queue.errors, this.#o.random);
    queue.pausedUntil = now + delay;
    this.#o.log.warn(
      { queue: queue.ref.name, err: coerceError(thrown), consecutiveErrors: queue.errors, retryInMs: delay },
      'receive failed; backing off',
    );
  }

  /** One timer, for the earliest pause to run out. */
  #armWake(now: number): void {
    let at = Number.POSITIVE_INFINITY;
    for (const q of this.#queues) if (q.pausedUntil > now && q.pausedUntil < at) at = q.pausedUntil;
    if (at === this.#wakeAt) return;
    this.#cancelWake?.();
    this.#cancelWake = undefined;
    this.#wakeAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#cancelWake = this.#o.clock.setTimer(at - now, () => {
      this.#cancelWake = undefined;
      this.#wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    });
  }

  #stopping(): void {
    this.#cancelWake?.();
    this.#cancelWake = undefined;
    if (this.#open === 0) this.#resolveIdle();
  }
}
