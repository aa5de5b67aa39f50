/**
 * What other processes record in queue tags, read back for the pages: the
 * scheduler's last ticks (schedules.ts) and `sluice scale`'s recent decisions
 * (below). Both live in the store, so a server shows them without running
 * either.
 */
import { decisionsInTags, type ScaleDecision } from '../scale/decision-tags.ts';
import type { Store } from '../store/store.ts';

/** Every queue's name and tags (one ListQueueTags per queue). */
export async function queueTags(store: Store): Promise<{ queue: string; tags: Record<string, string> }[]> {
  const { QueueUrls = [] } = await store.listQueues({});
  return Promise.all(
    QueueUrls.map(async (url) => ({
      queue: url.slice(url.lastIndexOf('/') + 1),
      tags: (await store.listQueueTags({ QueueUrl: url })).Tags ?? {},
    })),
  );
}

export interface ScalingView {
  /** The supervisor's WORKER_ID prefix: its workers are `<prefix>-1` … `<prefix>-N`. */
  prefix: string;
  /** The queue whose tags hold its decisions (the first it samples). */
  queue: string;
  /** Newest first. */
  decisions: ScaleDecision[];
}

/** The decisions every `sluice scale` recorded, the most recently active supervisor first. */
export async function scalingDecisions(store: Store): Promise<ScalingView[]> {
  const out: ScalingView[] = [];
  for (const { queue, tags } of await queueTags(store))
    for (const [prefix, decisions] of decisionsInTags(tags)) out.push({ prefix, queue, decisions });
  return out.sort((a, b) => (b.decisions[0]?.at ?? 0) - (a.decisions[0]?.at ?? 0));
}
