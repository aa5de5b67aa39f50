/**
 * What happened to each message of a latency run, by id, on this process's
 * monotonic clock (performance.now(), ms): when its send was called, when
 * the send was acknowledged, when a receive brought it to the worker, and
 * when its handler started. Producer and consumer run in this process, so
 * the four share one clock.
 */

export interface Percentiles {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles of `values` (ms); `undefined` for none. */
export function percentiles(values: readonly number[]): Percentiles | undefined {
  if (values.length === 0) return undefined;
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

/** The id a benchmark body carries: `m<id>:xxxx…` (bench/lib/run.ts `body`). */
export const idOf = (body: string | undefined): number => Number.parseInt(body?.slice(1) ?? '', 10);

export class Timeline {
  readonly #sent: number[] = [];
  readonly #acked: number[] = [];
  readonly #received: number[] = [];
  readonly #started: number[] = [];
  /** Handler starts after the first, per id (a redelivery). */
  duplicates = 0;

  sent(id: number): void {
    this.#sent[id] = performance.now();
  }

  acked(id: number): void {
    this.#acked[id] = performance.now();
  }

  received(ids: readonly number[]): void {
    const now = performance.now();
    for (const id of ids) this.#received[id] ??= now;
  }

  started(id: number): void {
    if (this.#started[id] !== undefined) this.duplicates++;
    else this.#started[id] = performance.now();
  }

  isStarted(id: number): boolean {
    return this.#started[id] !== undefined;
  }

  startedAt(id: number): number | undefined {
    return this.#started[id];
  }

  /** Handler starts and send acknowledgements within [from, to) (ms), of ids below `below`. */
  between(from: number, to: number, below: number): { starts: number; acks: number } {
    let starts = 0;
    let acks = 0;
    const within = (t: number | undefined) => t !== undefined && t >= from && t < to;
    for (let id = 0; id < below; id++) {
      if (within(this.#started[id])) starts++;
      if (within(this.#acked[id])) acks++;
    }
    return { starts, acks };
  }

  /**
   * The spans of ids [from, to): ack → handler start (the waiting time), and
   * its parts where receives were seen: ack → received, received → start;
   * and send → ack, and send → handler start. A start before the ack reached
   * the producer (the two race over separate connections; or, under sync full,
   * the message is receivable at commit while its ack waits for the fsync)
   * counts as a wait of 0, and is counted.
   */
  spans(from: number, to: number) {
    const wait: number[] = [];
    const toReceive: number[] = [];
    const toStart: number[] = [];
    const sendToAck: number[] = [];
    const sendToStart: number[] = [];
    let beforeAck = 0;
    let missing = 0;
    for (let id = from; id < to; id++) {
      const sent = this.#sent[id];
      const ack = this.#acked[id];
      const start = this.#started[id];
      const got = this.#received[id];
      if (sent !== undefined && ack !== undefined) sendToAck.push(ack - sent);
      if (ack === undefined || start === undefined) {
        missing++;
        continue;
      }
      if (start < ack) beforeAck++;
      if (sent !== undefined) sendToStart.push(start - sent);
      wait.push(Math.max(0, start - ack));
      if (got !== undefined) {
        toReceive.push(Math.max(0, got - ack));
        toStart.push(start - got);
      }
    }
    return {
      wait: percentiles(wait),
      ackToReceived: percentiles(toReceive),
      receivedToStart: percentiles(toStart),
      sendToAck: percentiles(sendToAck),
      sendToStart: percentiles(sendToStart),
      beforeAck,
      missing,
    };
  }
}
