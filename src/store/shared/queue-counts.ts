/**
 * Queue attributes and stats from a queue's record and its counts, as both
 * stores answer them; the counts come from each store's own query, asked
 * only when wanted.
 */
import { validateAttributeNames } from '../../sqs/queue-attributes.ts';
import type * as T from '../../sqs/types.ts';
import type { QueueStats } from '../types.ts';

/** Counts at the moment of asking (expired messages swept first). */
export interface Counts {
  visible: number;
  inFlight: number;
  delayed: number;
  oldestSentAt?: number;
}

interface Queue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  createdAt: number;
  modifiedAt: number;
  settings: { fifo: boolean };
}

const COUNTS = [
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
];

/** Whether GetQueueAttributes must count messages for these names (checked: an unknown name is refused). */
export function countsWanted(names: string[] | undefined): boolean {
  const wanted = validateAttributeNames(names);
  return wanted === 'All' || COUNTS.some((n) => wanted.has(n));
}

/** GetQueueAttributes' answer: the names asked for; `counts` when countsWanted said so. */
export function queueAttributes(
  q: Queue,
  names: string[] | undefined,
  counts?: Counts,
): T.GetQueueAttributesOutput {
  const wanted = validateAttributeNames(names);
  const want = (name: string) => wanted === 'All' || wanted.has(name);
  const all: Record<string, string> = { ...q.attributes, QueueArn: q.arn };
  all.CreatedTimestamp = String(Math.floor(q.createdAt / 1000));
  all.LastModifiedTimestamp = String(Math.floor(q.modifiedAt / 1000));
  if (counts) {
    all.ApproximateNumberOfMessages = String(counts.visible);
    all.ApproximateNumberOfMessagesNotVisible = String(counts.inFlight);
    all.ApproximateNumberOfMessagesDelayed = String(counts.delayed);
  }
  const out = Object.fromEntries(Object.entries(all).filter(([name]) => want(name)));
  return Object.keys(out).length ? { Attributes: out } : {};
}

/** One queue's line of stats(). */
export function statsOf(q: Queue, c: Counts, now: number, deadLetterQueue: string | undefined): QueueStats {
  const s: QueueStats = {
    name: q.name,
    url: q.url,
    arn: q.arn,
    fifo: q.settings.fifo,
    visible: c.visible,
    inFlight: c.inFlight,
    delayed: c.delayed,
    oldestAgeSeconds:
      c.oldestSentAt === undefined ? 0 : Math.max(0, Math.floor((now - c.oldestSentAt) / 1000)),
  };
  if (deadLetterQueue !== undefined) s.deadLetterQueue = deadLetterQueue;
  return s;
}
