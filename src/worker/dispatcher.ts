/**
 * Bounded concurrency across receives, and FIFO order within a message group.
 *
 * Slots. The worker holds at most `concurrency` messages. The poller reserves
 * slots before each receive (so a receive can never bring more messages than
 * fit), gives back those the receive did not fill, and a job frees its slots
 * when it ends; `onFree` then lets the poller start the next receive at once.
 *
 * A job (one message, or one batch for a batch handler) and its states:
 *
 *   QUEUED    submitted; waits until it heads the lane of each of its keys
 *             (a FIFO queue's message groups; a standard-queue job has no
 *             keys and runs at once).
 *   RUNNING   `run()` is under way; it resolves with the keys whose order
 *             broke (a message that will be retried): queued jobs behind it
 *             in those lanes are told to `skip` them (hand them back) so a
 *             group's later messages never overtake an earlier one.
 *   ENDED     slots freed, lanes advanced, the next heads started.
 *   CANCELLED QUEUED when the worker stopped (`cancelQueued`): `cancel()`
 *             hands its messages back; slots freed.
 */

export interface Job {
  /** FIFO lanes (queue URL + message group); empty for standard queues. */
  readonly keys: readonly string[];
  /** Slots held: one per message. */
  readonly size: number;
  /** Never rejects; resolves with the keys whose order broke. */
  run(): Promise<readonly string[]>;
  /** Never run: hand the messages back. */
  cancel(): void;
  /** A predecessor in lane `key` will be retried: hand back this job's messages of that lane instead. */
  skip(key: string): void;
}

type JobState = 'queued' | 'running' | 'ended' | 'cancelled';

interface Entry {
  job: Job;
  state: JobState;
}

export interface DispatcherOptions {
  concurrency: number;
  /** Slots were freed (the poller may receive again). */
  onFree(): void;
}

export class Dispatcher {
  readonly #concurrency: number;
  readonly #onFree: () => void;
  /** Slots taken by reservations, queued and running jobs. */
  #taken = 0;
  #running = 0;
  readonly #lanes = new Map<string, Entry[]>();
  readonly #queued = new Set<Entry>();

  constructor(options: DispatcherOptions) {
    this.#concurrency = options.concurrency;
    this.#onFree = options.onFree;
  }

  get free(): number {
    return this.#concurrency - this.#taken;
  }

  /** Handlers running now. */
  get running(): number {
    return this.#running;
  }

  reserve(n: number): void {
    if (n > this.free) throw new Error(`dispatcher: reserving ${n} slots with ${this.free} free`);
    this.#taken += n;
  }

  /** Gives back reserved slots that no job took. */
  unreserve(n: number): void {
    if (n === 0) return;
    this.#taken -= n;
    this.#onFree();
  }

  /** Takes a job whose slots were reserved (by the receive that brought it). */
  submit(job: Job): void {
    const entry: Entry = { job, state: 'queued' };
    for (const key of job.keys) {
      const lane = this.#lanes.get(key);
      if (lane) lane.push(entry);
      else this.#lanes.set(key, [entry]);
    }
    this.#queued.add(entry);
    this.#startIfHead(entry);
  }

  /** Cancels every job that has not started (the worker is stopping). */
  cancelQueued(): void {
    const cancelled = [...this.#queued];
    for (const entry of cancelled) {
      this.#queued.delete(entry);
      entry.state = 'cancelled';
      for (const key of entry.job.keys) {
        const lane = this.#lanes.get(key)?.filter((e) => e !== entry);
        if (lane?.length) this.#lanes.set(key, lane);
        else this.#lanes.delete(key);
      }
      entry.job.cancel();
      this.#taken -= entry.job.size;
    }
    if (cancelled.length) this.#onFree();
  }

  #startIfHead(entry: Entry): void {
    if (entry.state !== 'queued') return;
    for (const key of entry.job.keys) if (this.#lanes.get(key)?.[0] !== entry) return;
    this.#queued.delete(entry);
    entry.state = 'running';
    this.#running++;
    void entry.job
      .run()
      .catch(() => [] as const) // run() never rejects; a bug must still not leak slots
      .then((broken) => this.#end(entry, broken));
  }

  #end(entry: Entry, broken: readonly string[]): void {
    if (entry.state !== 'running') throw new Error(`dispatcher: ending a job that is ${entry.state}`);
    entry.state = 'ended';
    this.#running--;
    for (const key of broken) {
      for (const waiting of this.#lanes.get(key) ?? []) if (waiting !== entry) waiting.job.skip(key);
    }
    const heads: Entry[] = [];
    for (const key of entry.job.keys) {
      const lane = this.#lanes.get(key);
      if (lane?.[0] !== entry) throw new Error('dispatcher: a running job must head its lanes');
      lane.shift();
      const next = lane[0];
      if (next) heads.push(next);
      else this.#lanes.delete(key);
    }
    this.#taken -= entry.job.size;
    for (const head of heads) this.#startIfHead(head);
    this.#onFree();
  }
}
