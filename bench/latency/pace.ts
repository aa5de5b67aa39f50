/**
 * The producers of a latency run. `saturate`: closed loops sending as fast as
 * the system acknowledges, to find its maximum throughput (handler starts per
 * second once warm). `paced`: an open loop at a steady rate — sends are
 * fired on schedule whether or not earlier ones were acknowledged, so a slow
 * moment shows up as waiting time instead of quietly lowering the load.
 */
import type { Timeline } from './timeline.ts';

export interface Sender {
  /** Sends message `id`; resolves when the system acknowledges it. */
  send(id: number): Promise<void>;
}

/** Ids are handed out in order across every phase of a system's run. */
export class Ids {
  next = 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fire(sender: Sender, timeline: Timeline, id: number, failures: Error[]): Promise<void> {
  timeline.sent(id);
  return sender.send(id).then(
    () => timeline.acked(id),
    (e: unknown) => void failures.push(e instanceof Error ? e : new Error(String(e))),
  );
}

/** Waits until every id below `below` has started, or `limitMs` passes; returns how many have not. */
export async function drained(timeline: Timeline, from: number, below: number, limitMs: number) {
  const end = performance.now() + limitMs;
  let first = from;
  while (performance.now() < end) {
    while (first < below && timeline.isStarted(first)) first++;
    if (first >= below) return 0;
    await sleep(20);
  }
  let missing = 0;
  for (let id = from; id < below; id++) if (!timeline.isStarted(id)) missing++;
  return missing;
}

/**
 * `loops` closed loops send for `seconds`; the rate is what went both in and
 * out in the last `seconds − warmup` seconds — the lower of the sends
 * acknowledged and the handlers started (a producer outrunning the worker
 * only builds a backlog). Then sending stops and the backlog drains.
 */
export async function saturate(
  sender: Sender,
  timeline: Timeline,
  ids: Ids,
  o: { loops: number; seconds: number; warmupSeconds: number },
): Promise<{ perSec: number; sent: number; undrained: number }> {
  const from = ids.next;
  const failures: Error[] = [];
  const t0 = performance.now();
  const end = t0 + o.seconds * 1000;
  const loop = async () => {
    while (performance.now() < end && failures.length === 0)
      await fire(sender, timeline, ids.next++, failures);
  };
  await Promise.all(Array.from({ length: o.loops }, loop));
  if (failures.length) throw failures[0];
  const windowStart = t0 + o.warmupSeconds * 1000;
  const { starts, acks } = timeline.between(windowStart, end, ids.next);
  const undrained = await drained(timeline, from, ids.next, 120_000);
  return {
    perSec: Math.round(Math.min(starts, acks) / ((end - windowStart) / 1000)),
    sent: ids.next - from,
    undrained,
  };
}

export interface PacedResult {
  /** Ids measured: [from, to). */
  from: number;
  to: number;
  /** Achieved send rate over the measured window, msg/s. */
  sentPerSec: number;
  /** Times a send was late because `maxInFlight` sends were unacknowledged. */
  heldBack: number;
  undrained: number;
}

/**
 * Sends at `rate` msg/s for `warmupSeconds` (not measured), then for `seconds`
 * (measured), at most `maxInFlight` unacknowledged; then waits for the drain.
 */
export async function paced(
  sender: Sender,
  timeline: Timeline,
  ids: Ids,
  o: { rate: number; seconds: number; warmupSeconds: number; maxInFlight: number },
): Promise<PacedResult> {
  const failures: Error[] = [];
  let inFlight = 0;
  let heldBack = 0;
  const send = (id: number) => {
    inFlight++;
    void fire(sender, timeline, id, failures).finally(() => inFlight--);
  };
  const run = async (seconds: number): Promise<{ count: number; elapsed: number }> => {
    const t0 = performance.now();
    const total = Math.round(o.rate * seconds);
    let count = 0;
    while (count < total && failures.length === 0) {
      const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * o.rate) + 1);
      while (count < due) {
        if (inFlight >= o.maxInFlight) {
          heldBack++;
          break;
        }
        send(ids.next++);
        count++;
      }
      await sleep(1);
    }
    return { count, elapsed: (performance.now() - t0) / 1000 };
  };
  await run(o.warmupSeconds);
  const from = ids.next;
  const measured = await run(o.seconds);
  const to = ids.next;
  if (failures.length) throw failures[0];
  const undrained = await drained(timeline, from, to, 120_000);
  return { from, to, sentPerSec: Math.round(measured.count / measured.elapsed), heldBack, undrained };
}
