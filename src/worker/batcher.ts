/**
 * Coalesces per-message calls (delete, change visibility) into SQS batch
 * calls of up to 10 entries, one buffer per queue.
 *
 * A queue's buffer: EMPTY → OPEN on the first `add` (a clock timer of
 * `delayMs` is armed; with 0, the next turn of the event loop instead, which
 * gathers what the same turn adds and is no rule of time) → SENT when it holds 10 entries or the timer fires
 * (whichever is first; the buffer is EMPTY again at once, so later adds open
 * a new one while the call is in flight). Every `add` resolves with its own
 * entry's result; the promise never rejects.
 */
import { isSqsError } from '../sqs/errors.ts';
import type { BatchIdsOutput } from '../sqs/types.ts';
import type { Clock } from '../time/clock.ts';
import { coerceError } from './boundary.ts';

export const MAX_ENTRIES = 10;

export type EntryResult = { ok: true } | { ok: false; error: Error; senderFault: boolean };

/** A failed entry of a batch call, with SQS's code. */
export class BatchEntryError extends Error {
  override name = 'BatchEntryError';
  constructor(
    readonly code: string,
    message: string | undefined,
  ) {
    super(message ? `${code}: ${message}` : code);
  }
}

/** Whether an error is the caller's fault (a stale receipt handle, a missing queue): retrying cannot help. */
export function isSenderFault(error: unknown): boolean {
  if (isSqsError(error)) return error.spec.fault === 'Sender';
  // The AWS SDK's service exceptions say it this way.
  return typeof error === 'object' && error !== null && (error as { $fault?: unknown }).$fault === 'client';
}

function nextTurn(fn: () => void): () => void {
  const immediate = setImmediate(fn);
  return () => clearImmediate(immediate);
}

interface Pending<E> {
  entry: E;
  resolve: (result: EntryResult) => void;
}

interface Buffer<E> {
  items: Pending<E>[];
  cancelTimer: () => void;
}

export interface BatcherOptions<E> {
  clock: Clock;
  /** How long the first entry waits for company (on the clock); 0: until the next turn of the event loop. */
  delayMs: number;
  send(queueUrl: string, entries: (E & { Id: string })[]): Promise<BatchIdsOutput>;
}

export class Batcher<E extends object> {
  readonly #options: BatcherOptions<E>;
  readonly #buffers = new Map<string, Buffer<E>>();
  readonly #calls = new Set<Promise<void>>();

  constructor(options: BatcherOptions<E>) {
    this.#options = options;
  }

  /** Entries waiting to be sent, or in a call not yet answered. */
  get pending(): number {
    let n = 0;
    for (const b of this.#buffers.values()) n += b.items.length;
    return n + this.#calls.size;
  }

  add(queueUrl: string, entry: E): Promise<EntryResult> {
    return new Promise((resolve) => {
      let buffer = this.#buffers.get(queueUrl);
      if (!buffer) {
        const send = () => this.#send(queueUrl);
        const cancelTimer =
          this.#options.delayMs > 0
            ? this.#options.clock.setTimer(this.#options.delayMs, send)
            : nextTurn(send);
        buffer = { items: [], cancelTimer };
        this.#buffers.set(queueUrl, buffer);
      }
      buffer.items.push({ entry, resolve });
      if (buffer.items.length >= MAX_ENTRIES) this.#send(queueUrl);
    });
  }

  /** Sends every open buffer now and waits until every call (including ones added meanwhile) is answered. */
  async flush(): Promise<void> {
    while (this.#buffers.size > 0 || this.#calls.size > 0) {
      for (const queueUrl of [...this.#buffers.keys()]) this.#send(queueUrl);
      await Promise.all(this.#calls);
    }
  }

  #send(queueUrl: string): void {
    const buffer = this.#buffers.get(queueUrl);
    if (!buffer) return;
    this.#buffers.delete(queueUrl);
    buffer.cancelTimer();
    const call = this.#call(queueUrl, buffer.items);
    this.#calls.add(call);
    void call.finally(() => this.#calls.delete(call));
  }

  async #call(queueUrl: string, items: Pending<E>[]): Promise<void> {
    let output: BatchIdsOutput;
    try {
      output = await this.#options.send(
        queueUrl,
        items.map((item, i) => ({ ...item.entry, Id: String(i) })),
      );
    } catch (thrown) {
      const error = coerceError(thrown);
      const senderFault = isSenderFault(thrown);
      for (const item of items) item.resolve({ ok: false, error, senderFault });
      return;
    }
    const failed = new Map((output.Failed ?? []).map((f) => [f.Id, f]));
    items.forEach((item, i) => {
      const f = failed.get(String(i));
      item.resolve(
        f
          ? { ok: false, error: new BatchEntryError(f.Code, f.Message), senderFault: f.SenderFault }
          : { ok: true },
      );
    });
  }
}
