/**
 * The week's producer, in the bench process, on @aws-sdk/client-sqs as a
 * user's would be: the backlog sent as fast as the server takes it (before the
 * workers start), then the arrivals at a steady rate while the backlog drains
 * — SendMessageBatch of 10, ids in order, bodies `m<id>:xxxx…`.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { body, runLoops } from '../lib/run.ts';

async function sendBatch(sqs: SQSClient, QueueUrl: string, from: number, to: number, bytes: number) {
  const Entries = [];
  for (let id = from; id < to; id++) Entries.push({ Id: String(id - from), MessageBody: body(id, bytes) });
  const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }));
  if (out.Failed?.length) throw new Error(`send refused: ${JSON.stringify(out.Failed[0])}`);
}

/** Sends ids [from, to) from `loops` loops, as fast as acknowledged. */
export async function sendAll(
  sqs: SQSClient,
  queueUrl: string,
  from: number,
  to: number,
  o: { loops: number; bodyBytes: number },
): Promise<void> {
  let next = from;
  await runLoops(o.loops, async () => {
    if (next >= to) return false;
    const start = next;
    next = Math.min(to, start + 10);
    await sendBatch(sqs, queueUrl, start, next, o.bodyBytes);
    return true;
  });
}

export interface Arrivals {
  /** Ids acknowledged so far. */
  readonly sent: () => number;
  readonly done: Promise<void>;
}

/**
 * Sends ids [from, to) at `rate` msg/s from now on, each batch when it falls
 * due (at most `maxInFlight` batches unacknowledged: a server that cannot keep
 * up slows the producer, as it would a real one, and the chart shows it).
 */
export function arrivals(
  sqs: SQSClient,
  queueUrl: string,
  from: number,
  to: number,
  o: { rate: number; bodyBytes: number; maxInFlight: number },
): Arrivals {
  let acked = 0;
  const done = (async () => {
    const t0 = performance.now();
    let next = from;
    let inFlight = 0;
    let failure: unknown;
    const settled = new Set<Promise<void>>();
    while (next < to && failure === undefined) {
      const due = Math.min(to, from + Math.floor(((performance.now() - t0) / 1000) * o.rate));
      // Whole batches of 10 as they fall due; the last one may be short.
      while (inFlight < o.maxInFlight && (due - next >= 10 || (due === to && next < to))) {
        const start = next;
        next = Math.min(due, start + 10);
        const end = next;
        inFlight++;
        const p = sendBatch(sqs, queueUrl, start, end, o.bodyBytes).then(
          () => {
            acked += end - start;
          },
          (e: unknown) => {
            failure ??= e;
          },
        );
        settled.add(p);
        void p.finally(() => {
          inFlight--;
          settled.delete(p);
        });
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(settled);
    if (failure !== undefined) throw failure;
  })();
  return { sent: () => acked, done };
}
