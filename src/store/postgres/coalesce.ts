/**
 * Gathers the same statement from concurrent requests into one (the
 * PostgreSQL store's group commit). Per key (say, one queue's sends):
 *
 *   IDLE ──submit──▶ RUNNING (one statement with everything pending)
 *   RUNNING ──submit──▶ RUNNING, the request pending
 *   RUNNING ──statement done──▶ RUNNING again with what is pending, else IDLE
 *
 * A request alone runs at once (no timer, no added latency); under load, the
 * requests that arrive while a statement runs, and those its answers lead to
 * in the same turn of the event loop, share the next one, so the
 * statements per message fall as the load rises. Up to `inFlight` statements
 * of a key run at once, so the database and this process overlap.
 *
 * A statement that fails fails every request it carried; the next batch runs
 * regardless (the loop survives its callbacks).
 */
export interface CoalescerOptions {
  /** Statements of one key running at once. */
  inFlight: number;
  /** The most units (rows, messages) one statement carries; a request is never split. */
  maxUnits: number;
}

interface Pending<I, O> {
  item: I;
  units: number;
  resolve: (o: O) => void;
  reject: (e: unknown) => void;
}

interface KeyState<I, O> {
  pending: Pending<I, O>[];
  running: number;
}

export class Coalescer<I, O> {
  readonly #keys = new Map<string, KeyState<I, O>>();

  /**
   * @param execute runs one statement for `items` (all of one key) and answers
   * each, in order.
   */
  constructor(
    private readonly execute: (key: string, items: I[]) => Promise<O[]>,
    private readonly options: CoalescerOptions,
  ) {}

  /** Runs `item` in the next statement of `key`; `units` counts toward maxUnits. */
  submit(key: string, item: I, units = 1): Promise<O> {
    let state = this.#keys.get(key);
    if (!state) {
      state = { pending: [], running: 0 };
      this.#keys.set(key, state);
    }
    const s = state;
    const answer = new Promise<O>((resolve, reject) => s.pending.push({ item, units, resolve, reject }));
    if (s.running < this.options.inFlight) this.#next(key, s);
    return answer;
  }

  #next(key: string, s: KeyState<I, O>): void {
    if (s.pending.length === 0) {
      if (s.running === 0) this.#keys.delete(key);
      return;
    }
    let units = 0;
    let n = 0;
    while (n < s.pending.length && (n === 0 || units + s.pending[n]!.units <= this.options.maxUnits))
      units += s.pending[n++]!.units;
    const batch = s.pending.splice(0, n);
    s.running++;
    this.execute(
      key,
      batch.map((p) => p.item),
    )
      .then(
        (out) => {
          for (let i = 0; i < batch.length; i++) batch[i]!.resolve(out[i] as O);
        },
        (e) => {
          for (const p of batch) p.reject(e);
        },
      )
      .finally(() =>
        // The statement's slot is given back a turn of the event loop later: the callers its
        // answers send straight on to their next request (a worker's receive after its delete)
        // are pending by then, and share the next statement instead of one each starting alone.
        setImmediate(() => {
          s.running--;
          this.#next(key, s);
        }),
      );
  }
}
