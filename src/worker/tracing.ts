/**
 * The worker's spans (see src/observe/tracing.ts; all no-ops without
 * @opentelemetry/api). A message's span runs from the start of its handler to
 * its fate: `succeeded` (deleted), `retried`, `dead-lettered`, or `handed back`
 * (the worker stopped first); its handler runs inside it, so the handler's own
 * spans join the producer's trace. A batch handler runs inside one span for
 * the batch, each message keeping a span of its own under it.
 *
 * Jobs call `handler` / `batchHandler` around the user's code and `settled`
 * with each message's fate; nothing else in the worker knows about tracing.
 */
import { NO_TRACING, type OpenSpan, type Tracing } from '../observe/tracing.ts';
import type { Outcome } from './boundary.ts';
import type { Held } from './holdings.ts';

export class WorkerTracing {
  #tracing: Tracing = NO_TRACING;
  readonly #spans = new WeakMap<Held, OpenSpan>();

  /** The application's tracing, once loaded (the worker loads it while it starts). */
  use(tracing: Tracing): void {
    this.#tracing = tracing;
  }

  async handler<T>(h: Held, run: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    if (!this.#tracing.enabled) return run();
    const span = this.#tracing.processing(h.queue.name, h.message);
    this.#spans.set(h, span);
    const outcome = await span.run(run);
    this.#endIfHandedBack(h);
    return outcome;
  }

  async batchHandler<T>(items: readonly Held[], run: () => Promise<Outcome<T>>): Promise<Outcome<T>> {
    const first = items[0];
    if (!this.#tracing.enabled || !first) return run();
    const { batch, each } = this.#tracing.processingBatch(
      first.queue.name,
      items.map((h) => h.message),
    );
    items.forEach((h, i) => {
      if (each[i]) this.#spans.set(h, each[i]);
    });
    const outcome = await batch.run(run);
    if (!outcome.ok) batch.fail(outcome.error);
    batch.end(outcome.ok ? 'handled' : 'failed');
    for (const h of items) this.#endIfHandedBack(h);
    return outcome;
  }

  /** A message's fate is known: its span ends (with the error that decided it, if any). */
  settled(h: Held, outcome: string, error?: Error): void {
    const span = this.#spans.get(h);
    if (!span) return;
    this.#spans.delete(h);
    if (error) span.fail(error);
    span.end(outcome);
  }

  /** Handed back while its handler ran (the shutdown timeout): no fate will follow. */
  #endIfHandedBack(h: Held): void {
    if (h.state === 'released') this.settled(h, 'handed back');
  }
}
