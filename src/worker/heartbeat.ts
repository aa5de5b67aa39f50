/**
 * Keeps every held message invisible while the worker has it: from receipt
 * until it is settled (deleted, retried, dead-lettered) or handed back. One
 * Lease per message; the leases of one receive share a LeaseGroup and one
 * clock timer, and their extensions go out together (ChangeMessageVisibility-
 * Batch through the shared visibility Batcher).
 *
 * A lease's states:
 *
 *   HELD       invisible until `expiresAt`; the group's timer fires at
 *              `nextAt`, two thirds of the way through the current window.
 *   EXTENDING  an extension to min(visibilityTimeout, what is left of
 *              maxExtensionSeconds since receipt) is out. Answer:
 *                ok                              → HELD (new window; FINAL if it was cut short by the cap)
 *                refused (sender fault: a stale
 *                handle, a deleted queue)        → LOST
 *                failed otherwise (network, 5xx) → HELD, retried soon; LOST once `expiresAt` passes
 *   FINAL      HELD for the last window the cap allows; at `nextAt` → LOST.
 *   LOST       the lease's signal aborts with a VisibilityLostError: the
 *              handler should stop, another receiver may get the message.
 *   DROPPED    settled or handed back (`drop`); no more timers; a late
 *              extension answer is ignored. Entered from any state.
 *
 * A lease's signal also aborts (without leaving its state) when the worker's
 * shutdown timeout passes (`abort`).
 */
import type { Logger } from 'pino';
import type { Message } from '../sqs/types.ts';
import type { Clock } from '../time/clock.ts';
import type { Batcher } from './batcher.ts';
import { VisibilityLostError } from './errors.ts';

export type VisibilityEntry = { ReceiptHandle: string; VisibilityTimeout: number };

type LeaseState = 'held' | 'extending' | 'final' | 'lost' | 'dropped';

/** Retry a failed (not refused) extension after at most this long. */
const RETRY_MS = 1000;

export class Lease {
  state: LeaseState = 'held';
  expiresAt: number;
  nextAt: number;
  /** Called once, when the signal aborts (a batch job aborts its own signal from here). */
  onAbort: ((reason: Error) => void) | undefined;
  #controller: AbortController | undefined;
  #reason: Error | undefined;

  constructor(
    readonly group: LeaseGroup,
    readonly messageId: string,
    readonly receiptHandle: string,
    readonly receivedAt: number,
    visibilityMs: number,
  ) {
    this.expiresAt = receivedAt + visibilityMs;
    this.nextAt = receivedAt + (visibilityMs * 2) / 3;
  }

  get queueUrl(): string {
    return this.group.queueUrl;
  }

  /** Created on first use: most handlers never look at it. */
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#reason) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Dropped or lost: nothing more to extend. */
  get gone(): boolean {
    return this.state === 'dropped' || this.state === 'lost';
  }

  get aborted(): boolean {
    return this.#reason !== undefined;
  }

  abort(reason: Error): void {
    if (this.#reason) return;
    this.#reason = reason;
    this.#controller?.abort(reason);
    this.onAbort?.(reason);
  }
}

export class LeaseGroup {
  readonly leases = new Set<Lease>();
  cancelTimer: (() => void) | undefined;
  armedFor = Number.POSITIVE_INFINITY;
  constructor(readonly queueUrl: string) {}
}

export interface HeartbeatOptions {
  clock: Clock;
  visibility: Batcher<VisibilityEntry>;
  visibilityTimeout: number;
  maxExtensionSeconds: number;
  log: Logger;
}

export class Heartbeat {
  readonly #o: HeartbeatOptions;
  readonly #groups = new Set<LeaseGroup>();

  constructor(options: HeartbeatOptions) {
    this.#o = options;
  }

  /** Starts holding the messages of one receive, received (made invisible) at `receivedAt`. */
  hold(queueUrl: string, messages: readonly Message[], receivedAt: number): Lease[] {
    const group = new LeaseGroup(queueUrl);
    const ms = this.#o.visibilityTimeout * 1000;
    const leases = messages.map((m) => new Lease(group, m.MessageId, m.ReceiptHandle, receivedAt, ms));
    for (const lease of leases) group.leases.add(lease);
    this.#groups.add(group);
    this.#arm(group);
    return leases;
  }

  /** Stops holding: the message was settled or handed back. */
  drop(lease: Lease): void {
    lease.state = 'dropped';
    const group = lease.group;
    group.leases.delete(lease);
    if (group.leases.size === 0) {
      group.cancelTimer?.();
      this.#groups.delete(group);
    }
  }

  /** ctx.extendVisibility: sets the visibility to `seconds` from now; rejects with SQS's error. */
  async extend(lease: Lease, seconds: number): Promise<void> {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43_200) {
      throw new RangeError(`extendVisibility: seconds must be an integer 0–43200, got ${seconds}`);
    }
    if (lease.gone) {
      throw new VisibilityLostError(`message ${lease.messageId} is no longer held`);
    }
    const sentAt = this.#o.clock.now();
    const result = await this.#o.visibility.add(lease.queueUrl, {
      ReceiptHandle: lease.receiptHandle,
      VisibilityTimeout: seconds,
    });
    if (!result.ok) throw result.error;
    if (lease.gone) return;
    this.#extended(lease, sentAt, seconds, false);
  }

  /** Cancels every timer (the worker has stopped); leases left are abandoned. */
  stop(): void {
    for (const group of this.#groups) group.cancelTimer?.();
    this.#groups.clear();
  }

  #extended(lease: Lease, sentAt: number, seconds: number, final: boolean): void {
    lease.expiresAt = sentAt + seconds * 1000;
    lease.nextAt = sentAt + (seconds * 1000 * 2) / 3;
    lease.state = final ? 'final' : 'held';
    this.#arm(lease.group);
  }

  #lose(lease: Lease, why: string, cause?: Error): void {
    lease.state = 'lost';
    this.#o.log.warn({ messageId: lease.messageId, err: cause }, `visibility lost: ${why}`);
    lease.abort(new VisibilityLostError(`message ${lease.messageId}: ${why}`, { cause }));
  }

  /** Sets the group's timer for its earliest due lease (the only timer a group has). */
  #arm(group: LeaseGroup): void {
    let due = Number.POSITIVE_INFINITY;
    for (const lease of group.leases) {
      if ((lease.state === 'held' || lease.state === 'final') && lease.nextAt < due) due = lease.nextAt;
    }
    if (due === group.armedFor) return;
    group.cancelTimer?.();
    group.cancelTimer = undefined;
    group.armedFor = due;
    if (due === Number.POSITIVE_INFINITY || !this.#groups.has(group)) return;
    group.cancelTimer = this.#o.clock.setTimer(due - this.#o.clock.now(), () => this.#fire(group));
  }

  #fire(group: LeaseGroup): void {
    group.cancelTimer = undefined;
    group.armedFor = Number.POSITIVE_INFINITY;
    const now = this.#o.clock.now();
    for (const lease of group.leases) {
      if (lease.nextAt > now) continue;
      if (lease.state === 'final') this.#lose(lease, 'maxExtensionSeconds reached');
      else if (lease.state === 'held') this.#extendDue(lease, now);
    }
    this.#arm(group);
  }

  #extendDue(lease: Lease, now: number): void {
    const left = Math.floor((lease.receivedAt + this.#o.maxExtensionSeconds * 1000 - now) / 1000);
    if (left <= 0) {
      this.#lose(lease, 'maxExtensionSeconds reached');
      return;
    }
    const seconds = Math.min(this.#o.visibilityTimeout, left);
    lease.state = 'extending';
    void this.#o.visibility
      .add(lease.queueUrl, { ReceiptHandle: lease.receiptHandle, VisibilityTimeout: seconds })
      .then((result) => {
        if (lease.state !== 'extending') return; // dropped (or aborted) meanwhile
        if (result.ok) return this.#extended(lease, now, seconds, seconds < this.#o.visibilityTimeout);
        if (result.senderFault) return this.#lose(lease, 'SQS refused the extension', result.error);
        const at = this.#o.clock.now();
        // A third of what is left, at most a second; under 10 ms left there is no time for another try
        // (and a wait that shrinks towards zero would spin).
        const wait = Math.min(RETRY_MS, (lease.expiresAt - at) / 3);
        if (wait < 10) return this.#lose(lease, 'extension failed until the deadline', result.error);
        this.#o.log.warn(
          { messageId: lease.messageId, err: result.error },
          'visibility extension failed; retrying',
        );
        lease.state = 'held';
        lease.nextAt = at + wait;
        this.#arm(lease.group);
      });
  }
}
