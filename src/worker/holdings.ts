/**
 * Every message the worker holds, from receipt until it is settled or handed
 * back: what `inFlight` counts, and what a stop waits for.
 *
 * A held message's states:
 *
 *   WAITING   received, its heartbeat lease running; its handler has not
 *             started (behind a FIFO predecessor, or just delivered).
 *   RUNNING   its handler runs.
 *   SETTLING  the outcome is known; the lease is dropped and the delete,
 *             retry delay or dead-lettering is under way. Never handed back.
 *   SETTLED   terminal: done with.
 *   RELEASED  terminal: handed back with visibility 0 (stopping, a FIFO
 *             predecessor to be retried, or the shutdown timeout ran out
 *             while RUNNING — a late result is then ignored).
 */
import type { Logger } from 'pino';
import type { WorkerMetrics } from '../observe/metrics.ts';
import type { Message } from '../sqs/types.ts';
import type { Clock } from '../time/clock.ts';
import type { Batcher } from './batcher.ts';
import type { Heartbeat, Lease, VisibilityEntry } from './heartbeat.ts';
import { type QueueRef, toWorkerMessage, type WorkerMessage } from './message.ts';

export type HeldState = 'waiting' | 'running' | 'settling' | 'settled' | 'released';

export interface Held {
  state: HeldState;
  readonly queue: QueueRef;
  readonly message: WorkerMessage<string>;
  readonly lease: Lease;
}

export interface HoldingsOptions {
  heartbeat: Heartbeat;
  visibility: Batcher<VisibilityEntry>;
  log: Logger;
  metrics: Pick<WorkerMetrics, 'inFlight' | 'waited'>;
  clock: Clock;
}

export class Holdings {
  readonly #o: HoldingsOptions;
  readonly #held = new Set<Held>();
  #whenEmpty: (() => void)[] = [];

  constructor(options: HoldingsOptions) {
    this.#o = options;
  }

  get size(): number {
    return this.#held.size;
  }

  add(queue: QueueRef, messages: readonly Message[], receivedAt: number): Held[] {
    const leases = this.#o.heartbeat.hold(queue.url, messages, receivedAt);
    const held = messages.map((m, i) => ({
      state: 'waiting' as HeldState,
      queue,
      message: toWorkerMessage(queue, m),
      lease: leases[i] as Lease,
    }));
    for (const h of held) this.#held.add(h);
    this.#o.metrics.inFlight(queue.name, held.length);
    return held;
  }

  start(held: Held): void {
    this.#expect(held, 'waiting', 'running');
    held.state = 'running';
    // Waiting time: sent → first start. A retry's wait is its backoff, a choice rather than a delay.
    const { sentAt, receiveCount } = held.message;
    if (sentAt !== undefined && receiveCount === 1)
      this.#o.metrics.waited(held.queue.name, (this.#o.clock.now() - sentAt) / 1000);
  }

  /** The outcome is known: stop extending its visibility; the caller deletes, retries or dead-letters it. */
  settling(held: Held): void {
    this.#expect(held, 'running', 'settling');
    held.state = 'settling';
    this.#o.heartbeat.drop(held.lease);
  }

  settled(held: Held): void {
    this.#expect(held, 'settling', 'settled');
    held.state = 'settled';
    this.#remove(held);
  }

  /** Hands a WAITING or RUNNING message back (visibility 0); a no-op in any other state. */
  release(held: Held, why: string): void {
    if (held.state !== 'waiting' && held.state !== 'running') return;
    held.state = 'released';
    this.#o.heartbeat.drop(held.lease);
    const { messageId, receiptHandle } = held.message;
    void this.#o.visibility
      .add(held.queue.url, { ReceiptHandle: receiptHandle, VisibilityTimeout: 0 })
      .then((r) => {
        if (r.ok) this.#o.log.debug({ messageId, why }, 'handed back');
        else {
          this.#o.log.warn(
            { messageId, why, err: r.error },
            'could not hand the message back; it comes back after its visibility timeout',
          );
        }
      });
    this.#remove(held);
  }

  /**
   * The shutdown timeout ran out (or a second signal came): abort every
   * handler's signal, then hand back all that is not settling. Returns how
   * many handlers were running (cut short, not merely unstarted).
   */
  abandon(reason: Error): number {
    const open = [...this.#held].filter((h) => h.state === 'waiting' || h.state === 'running');
    const running = open.filter((h) => h.state === 'running').length;
    for (const h of open) h.lease.abort(reason);
    for (const h of open) this.release(h, 'shutdown timeout');
    return running;
  }

  /** Resolves when nothing is held. */
  empty(): Promise<void> {
    if (this.#held.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#whenEmpty.push(resolve));
  }

  #remove(held: Held): void {
    this.#held.delete(held);
    this.#o.metrics.inFlight(held.queue.name, -1);
    if (this.#held.size === 0 && this.#whenEmpty.length) {
      const waiting = this.#whenEmpty;
      this.#whenEmpty = [];
      for (const resolve of waiting) resolve();
    }
  }

  #expect(held: Held, from: HeldState, to: HeldState): void {
    if (held.state !== from) throw new Error(`held message ${held.message.messageId}: ${held.state} → ${to}`);
  }
}
