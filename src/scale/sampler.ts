/**
 * Reads the queues' observations for the policy: messages visible, in flight
 * and delayed (the SQS attributes every SQS speaks), and the age of the
 * oldest message where it can be known:
 * - from a sluice server's GET /stats (one request for every queue);
 * - on Amazon SQS, from CloudWatch's ApproximateAgeOfOldestMessage (one
 *   GetMetricData for every queue, at most once a minute: SQS publishes the
 *   metric per minute; see cloudwatch-age.ts). No datapoint with nothing
 *   visible is age 0; otherwise the age is unknown (undefined) and age steps
 *   cannot fire.
 */
import type { QueueClient } from '../client/queue-client.ts';
import { queueDepth } from '../client/queue-depth.ts';
import { oldestAges } from '../client/server-stats.ts';
import { type Clock, systemClock } from '../time/clock.ts';
import type { CloudWatchAges } from './cloudwatch-age.ts';

export interface QueueObservation {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Undefined when the source cannot tell. */
  readonly oldestAgeSeconds: number | undefined;
}

const nameOf = (url: string) => url.split('/').filter(Boolean).at(-1) ?? url;

export type QueuesObserver = () => Promise<QueueObservation[]>;

/**
 * Observes several queues per call: counts over the SQS API, ages from the
 * sluice `endpoint`'s GET /stats, or else from `cloudWatch` (refreshed once
 * a minute).
 *
 * @example
 * const observe = queuesObserver({ client, queueUrls, cloudWatch: cloudWatchAges({ region }) });
 * await observe(); // [{ visible, inFlight, delayed, oldestAgeSeconds }, …]
 */
export function queuesObserver(options: {
  client: QueueClient;
  queueUrls: readonly string[];
  endpoint?: string;
  cloudWatch?: CloudWatchAges;
  clock?: Clock;
}): QueuesObserver {
  const { client, queueUrls, endpoint, cloudWatch } = options;
  const clock = options.clock ?? systemClock;
  const names = queueUrls.map(nameOf);
  let cached: { at: number; ages: Map<string, number> } | undefined;
  const ages = async (): Promise<Map<string, number>> => {
    if (endpoint !== undefined || !cloudWatch) return oldestAges(endpoint);
    if (cached && clock.now() - cached.at < 60_000) return cached.ages;
    cached = { at: clock.now(), ages: await cloudWatch.agesOf(names) };
    return cached.ages;
  };
  return async () => {
    const [all, known] = await Promise.all([
      Promise.all(queueUrls.map((url) => queueDepth(client, url))),
      ages(),
    ]);
    return all.map((c, i) => {
      const age = known.get(names[i]!);
      const fromCloudWatch = endpoint === undefined && cloudWatch !== undefined;
      return { ...c, oldestAgeSeconds: age ?? (fromCloudWatch && c.visible === 0 ? 0 : undefined) };
    });
  };
}
