/**
 * The workers the server sees. A sluice worker names itself on every request
 * (its SDK client's User-Agent ends in `sluice-worker/<WORKER_ID>`, see
 * src/client/aws.ts); from its requests and the answers the server keeps, in
 * memory, per worker:
 *   - received: messages handed to it (ReceiveMessage);
 *   - deleted: messages it deleted (done with: processed, or dead-lettered);
 *   - handed back: messages it made visible again at once (VisibilityTimeout 0:
 *     a retry with no backoff, or a release on shutdown);
 *   - failed: messages it sent to a dead-letter queue with the error it
 *     recorded (`sluice.error`), and messages whose visibility ran out while
 *     it held them (a retry with backoff, or a handler that hung);
 *   - in flight: messages it holds now (received, not yet deleted, handed
 *     back or timed out; a heartbeat or a retry's backoff moves the deadline).
 * Rates are over the last five minutes. A worker not seen for an hour is
 * forgotten; nothing survives a restart.
 */

export interface WorkerView {
  id: string;
  queues: string[];
  firstSeen: number;
  lastSeen: number;
  inFlight: number;
  /** Per minute, over the last five minutes (or since first seen, if later). */
  receivedPerMinute: number;
  deletedPerMinute: number;
  handedBackPerMinute: number;
  failedPerMinute: number;
  /** Totals since first seen. */
  received: number;
  deleted: number;
  handedBack: number;
  failed: number;
}

const KINDS = ['received', 'deleted', 'handedBack', 'failed'] as const;
type Kind = (typeof KINDS)[number];

interface Sighted {
  id: string;
  queues: Set<string>;
  firstSeen: number;
  lastSeen: number;
  /** Deadline (epoch ms) of each message it holds, by receipt handle. */
  held: Map<string, number>;
  /** When held messages were last checked for running out. */
  expiredAt: number;
  totals: Record<Kind, number>;
  /** Counts per minute (epoch minute → counts), the last few minutes only. */
  minutes: Map<number, Record<Kind, number>>;
}

const MINUTE = 60_000;
const WINDOW_MINUTES = 5;
const FORGET_AFTER_MS = 60 * MINUTE;
const DEFAULT_VISIBILITY_SECONDS = 30;
const ID = /(?:^|\s)sluice-worker\/(\S+)/;

const zero = (): Record<Kind, number> => ({ received: 0, deleted: 0, handedBack: 0, failed: 0 });
const queueName = (url: unknown) => (typeof url === 'string' ? url.slice(url.lastIndexOf('/') + 1) : '');

type Entries = {
  Id?: string;
  ReceiptHandle?: string;
  VisibilityTimeout?: number;
  MessageAttributes?: object;
}[];

export class WorkerSightings {
  #workers = new Map<string, Sighted>();

  constructor(private readonly now: () => number) {}

  /** The worker id a User-Agent names, if it is a sluice worker's. */
  static idOf(userAgent: string | undefined): string | undefined {
    return userAgent === undefined ? undefined : ID.exec(userAgent)?.[1];
  }

  /** Notes one answered SQS request of worker `id`. */
  observe(id: string, action: string, input: Record<string, unknown>, output: unknown): void {
    const now = this.now();
    const w = this.#worker(id, now);
    const queue = queueName(input.QueueUrl);
    const count = (kind: Kind, n = 1) => this.#count(w, kind, n, now);
    const succeeded = (entries: Entries) => {
      const ok = new Set(((output as { Successful?: { Id: string }[] })?.Successful ?? []).map((s) => s.Id));
      return entries.filter((e) => ok.has(e.Id ?? ''));
    };
    switch (action) {
      case 'ReceiveMessage': {
        if (queue) w.queues.add(queue);
        const messages =
          (output as { Messages?: { MessageId: string; ReceiptHandle: string }[] })?.Messages ?? [];
        const seconds = Number(input.VisibilityTimeout ?? DEFAULT_VISIBILITY_SECONDS);
        for (const m of messages) w.held.set(m.ReceiptHandle, now + seconds * 1000);
        count('received', messages.length);
        break;
      }
      case 'DeleteMessage':
      case 'DeleteMessageBatch': {
        const entries =
          action === 'DeleteMessage' ? [input as Entries[number]] : succeeded(input.Entries as Entries);
        let n = 0;
        for (const e of entries) if (e.ReceiptHandle && w.held.delete(e.ReceiptHandle)) n++;
        count('deleted', n);
        break;
      }
      case 'ChangeMessageVisibility':
      case 'ChangeMessageVisibilityBatch': {
        const entries =
          action === 'ChangeMessageVisibility'
            ? [input as Entries[number]]
            : succeeded(input.Entries as Entries);
        for (const e of entries) {
          if (e.ReceiptHandle === undefined || !w.held.has(e.ReceiptHandle)) continue;
          const seconds = Number(e.VisibilityTimeout);
          if (seconds === 0) {
            w.held.delete(e.ReceiptHandle);
            count('handedBack');
          } else w.held.set(e.ReceiptHandle, now + seconds * 1000);
        }
        break;
      }
      case 'SendMessage':
      case 'SendMessageBatch': {
        const entries = action === 'SendMessage' ? [input as Entries[number]] : (input.Entries as Entries);
        count(
          'failed',
          entries.filter((e) => e.MessageAttributes && 'sluice.error' in e.MessageAttributes).length,
        );
        break;
      }
    }
    // Looking through what it holds costs its size: not on every request.
    if (now - w.expiredAt >= 1000) this.#expire(w, now);
  }

  /** Every worker seen in the last hour, most recently seen first. */
  list(): WorkerView[] {
    const now = this.now();
    const out: WorkerView[] = [];
    for (const w of this.#workers.values()) {
      if (now - w.lastSeen > FORGET_AFTER_MS) {
        this.#workers.delete(w.id);
        continue;
      }
      this.#expire(w, now);
      const since = Math.max(w.firstSeen, (Math.floor(now / MINUTE) - WINDOW_MINUTES + 1) * MINUTE);
      // At least a minute: a worker seen for seconds does not extrapolate a burst.
      const minutes = Math.max(MINUTE, now - since) / MINUTE;
      const recent = zero();
      for (const [minute, m] of w.minutes)
        if (minute * MINUTE >= since - MINUTE) for (const k of KINDS) recent[k] += m[k];
      const rate = (n: number) => Math.round((n / minutes) * 10) / 10;
      out.push({
        id: w.id,
        queues: [...w.queues].sort(),
        firstSeen: w.firstSeen,
        lastSeen: w.lastSeen,
        inFlight: w.held.size,
        receivedPerMinute: rate(recent.received),
        deletedPerMinute: rate(recent.deleted),
        handedBackPerMinute: rate(recent.handedBack),
        failedPerMinute: rate(recent.failed),
        ...w.totals,
      });
    }
    return out.sort((a, b) => b.lastSeen - a.lastSeen || (a.id < b.id ? -1 : 1));
  }

  #worker(id: string, now: number): Sighted {
    let w = this.#workers.get(id);
    if (!w) {
      w = {
        id,
        queues: new Set(),
        firstSeen: now,
        lastSeen: now,
        held: new Map(),
        expiredAt: now,
        totals: zero(),
        minutes: new Map(),
      };
      this.#workers.set(id, w);
    }
    w.lastSeen = now;
    return w;
  }

  #count(w: Sighted, kind: Kind, n: number, now: number): void {
    if (n <= 0) return;
    w.totals[kind] += n;
    const minute = Math.floor(now / MINUTE);
    let m = w.minutes.get(minute);
    if (!m) {
      m = zero();
      w.minutes.set(minute, m);
      for (const old of w.minutes.keys()) if (old <= minute - WINDOW_MINUTES) w.minutes.delete(old);
    }
    m[kind] += n;
  }

  /** Messages whose visibility ran out while held: failed (they will be received again). */
  #expire(w: Sighted, now: number): void {
    w.expiredAt = now;
    let n = 0;
    for (const [handle, deadline] of w.held)
      if (deadline <= now) {
        w.held.delete(handle);
        n++;
      }
    this.#count(w, 'failed', n, now);
  }
}
