/**
 * What becomes of a message whose handling failed.
 *
 * - Retryable (the handler threw, or a batch handler listed it in
 *   batchItemFailures): its visibility is set to the backoff delay
 *   (exponential in ApproximateReceiveCount, full jitter, capped), so it
 *   comes back soon rather than after the whole visibility timeout.
 * - Out of retries (retryable, but this was receive number maxReceiveCount
 *   of the queue's RedrivePolicy): dead-lettered by the worker itself, as a
 *   permanent failure is, so the DLQ copy records why it failed; SQS's own
 *   move on the next receive would carry no error. If the policy cannot be
 *   read it is retried, and SQS moves it.
 * - Permanent (a PermanentError, or a body that fails the schema): sent to
 *   the DLQ at once with the error recorded, then deleted. When that cannot
 *   be done (no RedrivePolicy, or the send fails) it is logged and retried
 *   with the maximum backoff instead: a message is never dropped.
 */
import type { Logger } from 'pino';
import type { WorkerMetrics } from '../observe/metrics.ts';
import type { Acker } from './acker.ts';
import { type BackoffPolicy, retryDelaySeconds } from './backoff.ts';
import type { Batcher } from './batcher.ts';
import type { DeadLetters } from './dead-letter.ts';
import { PermanentError } from './errors.ts';
import type { VisibilityEntry } from './heartbeat.ts';
import type { QueueRef, WorkerMessage } from './message.ts';

export type Fate = 'retried' | 'dead-lettered';

export interface FailuresOptions {
  visibility: Batcher<VisibilityEntry>;
  acker: Acker;
  deadLetters: DeadLetters;
  backoff: BackoffPolicy;
  random: () => number;
  log: Logger;
  metrics: Pick<WorkerMetrics, 'retried' | 'deadLettered'>;
}

export class Failures {
  readonly #o: FailuresOptions;

  constructor(options: FailuresOptions) {
    this.#o = options;
  }

  /** Settles a failed message; resolves with what was done (never rejects). */
  async handle(queue: QueueRef, message: WorkerMessage<unknown>, error: Error): Promise<Fate> {
    const { log } = this.#o;
    const about = {
      queue: queue.name,
      messageId: message.messageId,
      receiveCount: message.receiveCount,
      err: error,
    };
    if (error instanceof PermanentError || (await this.#lastReceive(queue, message))) {
      const sent = await this.#o.deadLetters.send(queue, message, error);
      if (sent.ok) {
        this.#o.acker.delete(queue.url, message.receiptHandle, message.messageId);
        this.#o.metrics.deadLettered(queue.name);
        log.warn({ ...about, deadLetterQueue: sent.value.name }, 'sent to the dead-letter queue');
        return 'dead-lettered';
      }
      const seconds = Math.round(this.#o.backoff.maxSeconds);
      log.error(
        { ...about, reason: sent.error.message, retryInSeconds: seconds },
        'cannot dead-letter the message; retrying it with the maximum backoff',
      );
      await this.#retry(queue, message, seconds);
      return 'retried';
    }
    const seconds = retryDelaySeconds(this.#o.backoff, message.receiveCount, this.#o.random);
    log.warn({ ...about, retryInSeconds: seconds }, 'handler failed; retrying');
    await this.#retry(queue, message, seconds);
    return 'retried';
  }

  /** True when SQS would move the message to the DLQ on its next receive. */
  async #lastReceive(queue: QueueRef, message: WorkerMessage<unknown>): Promise<boolean> {
    try {
      const target = await this.#o.deadLetters.target(queue);
      return target !== undefined && message.receiveCount >= target.maxReceiveCount;
    } catch {
      return false; // the lookup failed: retry, and let SQS's redrive move it
    }
  }

  async #retry(queue: QueueRef, message: WorkerMessage<unknown>, seconds: number): Promise<void> {
    const result = await this.#o.visibility.add(queue.url, {
      ReceiptHandle: message.receiptHandle,
      VisibilityTimeout: seconds,
    });
    if (result.ok) this.#o.metrics.retried(queue.name);
    else {
      this.#o.log.warn(
        { messageId: message.messageId, err: result.error },
        'could not set the retry delay; the message comes back after its visibility timeout',
      );
    }
  }
}
