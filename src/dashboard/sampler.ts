import type { Store } from '../store/store.ts';
import { type Clock, systemClock } from '../time/clock.ts';

/**
 * Takes a history sample (store.recordHistory) once a minute, just before
 * each minute ends, so a minute's traffic lands in that minute's bucket. A
 * failed sample is logged and the next one still comes. Returns stop().
 *
 * @example
 * const stop = sampleHistory(store, { log: console.error });
 * // … on shutdown, before store.close():
 * stop();
 */
export function sampleHistory(
  store: Store,
  options: { log: (line: string) => void; clock?: Clock; intervalMs?: number },
): () => void {
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 60_000;
  const lead = Math.min(500, interval / 10);
  let cancel = () => {};
  let stopped = false;
  const schedule = () => {
    const now = clock.now();
    let next = Math.floor(now / interval) * interval + interval - lead;
    if (next <= now) next += interval;
    cancel = clock.setTimer(next - now, () => {
      store
        .recordHistory()
        .catch((e: unknown) => {
          if (!stopped) options.log(`sluice: history sample failed: ${String(e)}`);
        })
        .finally(() => {
          if (!stopped) schedule();
        });
    });
  };
  schedule();
  return () => {
    stopped = true;
    cancel();
  };
}
