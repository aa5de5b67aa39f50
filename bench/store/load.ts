/**
 * Load against a Store through its public API, the way a server drives it:
 * many calls in flight at once, so the store can group-commit them.
 */
import type { Store } from '../../src/store/store.ts';
import { body, runLoops } from '../lib/run.ts';
import { type PhaseResult, phaseResult } from './raw.ts';

export interface LoadTarget {
  store: Store;
  queueUrl: string;
  bodyBytes: number;
  /** Bodies are numbered from here on, so every message in a run is distinct. */
  seq: number;
}

/** Sends `n` messages in batches of 10 from `loops` concurrent loops. */
export async function sendMany(t: LoadTarget, n: number, loops: number): Promise<void> {
  let left = n;
  await runLoops(loops, async () => {
    if (left <= 0) return false;
    const k = Math.min(10, left);
    left -= k;
    const Entries = Array.from({ length: k }, (_, i) => ({
      Id: String(i),
      MessageBody: body(t.seq++, t.bodyBytes),
    }));
    const out = await t.store.sendMessageBatch({ QueueUrl: t.queueUrl, Entries });
    if (out.Failed.length > 0) throw new Error(`send failed: ${JSON.stringify(out.Failed[0])}`);
    return true;
  });
}

/** Receives (10 at a time) and deletes `n` messages from `loops` concurrent loops. */
export async function receiveDeleteMany(t: LoadTarget, n: number, loops: number): Promise<void> {
  let left = n;
  let emptyInARow = 0;
  await runLoops(loops, async () => {
    if (left <= 0) return false;
    const claim = Math.min(10, left);
    left -= claim;
    const { Messages = [] } = await t.store.receiveMessage({
      QueueUrl: t.queueUrl,
      MaxNumberOfMessages: claim,
      VisibilityTimeout: 600,
    });
    left += claim - Messages.length;
    if (Messages.length === 0) {
      // Only possible if the queue holds fewer visible messages than expected.
      if (++emptyInARow > 10_000) throw new Error(`queue ran dry with ${left} messages still to receive`);
      await new Promise((resolve) => setImmediate(resolve));
      return true;
    }
    emptyInARow = 0;
    const Entries = Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
    const out = await t.store.deleteMessageBatch({ QueueUrl: t.queueUrl, Entries });
    if (out.Failed.length > 0) throw new Error(`delete failed: ${JSON.stringify(out.Failed[0])}`);
    return true;
  });
}

/** Sends `n`, then receives and deletes `n`; the queue ends as deep as it started. */
export async function measureStore(
  t: LoadTarget,
  n: number,
  queued: number,
  loops: number,
): Promise<PhaseResult> {
  const t0 = performance.now();
  await sendMany(t, n, loops);
  const t1 = performance.now();
  await receiveDeleteMany(t, n, loops);
  return phaseResult(queued, n, t0, t1, performance.now());
}
