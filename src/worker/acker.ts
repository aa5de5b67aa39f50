/**
 * Deletes the messages whose handlers succeeded, with DeleteMessageBatch:
 * coalesced per queue, up to 10 per call, sent at once when 10 are waiting
 * or `flushDelayMs` after the first (on the clock). A failed entry or call is
 * logged and retried once; if that fails too the message is received again
 * after its visibility timeout (at-least-once, never lost).
 */
import type { Logger } from 'pino';
import type { QueueClient } from '../client/queue-client.ts';
import type { Clock } from '../time/clock.ts';
import { Batcher } from './batcher.ts';

export interface AckerOptions {
  client: QueueClient;
  clock: Clock;
  log: Logger;
  /** How long a delete waits for company; default 5 ms. */
  flushDelayMs?: number;
}

export class Acker {
  readonly #batcher: Batcher<{ ReceiptHandle: string }>;
  readonly #log: Logger;
  readonly #tasks = new Set<Promise<void>>();

  constructor(options: AckerOptions) {
    this.#log = options.log;
    this.#batcher = new Batcher({
      clock: options.clock,
      delayMs: options.flushDelayMs ?? 5,
      send: (QueueUrl, Entries) => options.client.deleteMessageBatch({ QueueUrl, Entries }),
    });
  }

  /** Queues a delete; the result is handled here (logged, retried once). */
  delete(queueUrl: string, receiptHandle: string, messageId: string): void {
    const task = this.#delete(queueUrl, receiptHandle, messageId);
    this.#tasks.add(task);
    void task.finally(() => this.#tasks.delete(task));
  }

  /** Sends every waiting delete now; resolves when all (and their retries) are answered. */
  async flush(): Promise<void> {
    while (this.#tasks.size > 0) {
      await this.#batcher.flush();
      await Promise.all(this.#tasks);
    }
  }

  async #delete(queueUrl: string, ReceiptHandle: string, messageId: string): Promise<void> {
    const first = await this.#batcher.add(queueUrl, { ReceiptHandle });
    if (first.ok) return;
    this.#log.warn({ messageId, err: first.error }, 'delete failed; retrying once');
    const second = await this.#batcher.add(queueUrl, { ReceiptHandle });
    if (second.ok) return;
    this.#log.error(
      { messageId, err: second.error },
      'delete failed twice; the message will be received again after its visibility timeout',
    );
  }
}
