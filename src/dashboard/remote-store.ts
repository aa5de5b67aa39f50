/**
 * The dashboard's Store over any SQS endpoint (`sluice dashboard --endpoint`,
 * or Amazon SQS): the SQS API is the client's; counts come from
 * GetQueueAttributes (SQS's approximate numbers); the age of the oldest
 * message from the endpoint's GET /stats when it is a sluice server, else on
 * Amazon SQS from CloudWatch (the scaler's reader, src/scale/cloudwatch-age.ts,
 * asked at most once a minute). What only sluice's store knows — browsing
 * without consuming, search, counts by error, traffic, waits, history — is
 * refused with NeedsSluiceStore (501), and the pages say so. The audit log
 * lives in memory, as long as this process.
 */

import { describeAll } from '../cli/common/queue.ts';
import type { QueueClient } from '../client/queue-client.ts';
import { oldestAges } from '../client/server-stats.ts';
import type { CloudWatchAges } from '../scale/cloudwatch-age.ts';
import type * as O from '../store/operator.ts';
import type { Store } from '../store/store.ts';
import type { QueueStats } from '../store/types.ts';
import { DashboardError } from './http.ts';

export interface RemoteStoreOptions {
  client: QueueClient;
  /** A custom endpoint; unset: Amazon SQS. */
  endpoint?: string;
  /** The client's region (default us-east-1): the one region this store answers for. */
  region?: string;
  /** Where ages come from when given (Amazon SQS, LocalStack); else a sluice endpoint's GET /stats. */
  cloudWatch?: CloudWatchAges;
  now: () => number;
}

const needs = (what: string) => () =>
  Promise.reject(
    new DashboardError(
      501,
      `${what} needs sluice's store; over the SQS API it is not available`,
      'NeedsSluiceStore',
    ),
  );

/**
 * @example
 * const store = remoteStore({ client: awsClient({ region: 'eu-west-1' }), cloudWatch: cloudWatchAges({ region: 'eu-west-1' }), now: Date.now });
 */
export function remoteStore(options: RemoteStoreOptions): Store {
  const { client, endpoint, cloudWatch, now } = options;
  let cached: { at: number; ages: Map<string, number> } | undefined;
  const ages = async (names: string[]): Promise<Map<string, number>> => {
    if (!cloudWatch) return oldestAges(endpoint);
    if (cached && now() - cached.at < 60_000) return cached.ages;
    cached = { at: now(), ages: await cloudWatch.agesOf(names) };
    return cached.ages;
  };
  const audit: O.AuditEntry[] = [];
  const count = (a: Record<string, string>, name: string) => Number(a[name] ?? 0);

  const stats = async (prefix?: string): Promise<QueueStats[]> => {
    const queues = await describeAll(client, prefix);
    const known = await ages(queues.map((q) => q.name)).catch(() => new Map<string, number>());
    return queues.map((q) => {
      const s: QueueStats = {
        name: q.name,
        url: q.url,
        arn: q.arn,
        fifo: q.attributes.FifoQueue === 'true',
        visible: count(q.attributes, 'ApproximateNumberOfMessages'),
        inFlight: count(q.attributes, 'ApproximateNumberOfMessagesNotVisible'),
        delayed: count(q.attributes, 'ApproximateNumberOfMessagesDelayed'),
        // Unknown ages (no datapoint, CloudWatch unreachable) read as 0, which the page shows as —.
        oldestAgeSeconds: known.get(q.name) ?? 0,
      };
      if (q.redrive) s.deadLetterQueue = q.redrive.dlqName;
      return s;
    });
  };

  const region = options.region ?? 'us-east-1';
  const store: Store = {
    ...client,
    region,
    inRegion(other) {
      if (other !== region) throw new Error(`this dashboard reads region ${region} only, not ${other}`);
      return store;
    },
    stats,
    async countMessages({ QueueUrl, filter }) {
      if (filter && Object.keys(filter).length) return needs('Counting what a filter matches')();
      const { Attributes = {} } = await client.getQueueAttributes({ QueueUrl, AttributeNames: ['All'] });
      return (
        count(Attributes, 'ApproximateNumberOfMessages') +
        count(Attributes, 'ApproximateNumberOfMessagesNotVisible') +
        count(Attributes, 'ApproximateNumberOfMessagesDelayed')
      );
    },
    browseMessages: needs('Reading messages without consuming them'),
    deadLetterGroups: needs('Grouping dead letters by error'),
    moveMessages: needs('Redriving a selection'),
    deleteMessages: needs('Deleting a selection'),
    history: needs('History'),
    recordHistory: async () => {},
    activity: async () => [],
    async appendAudit(input) {
      const entry = { ...input, id: audit.length + 1, at: now() };
      audit.push(entry);
      return entry;
    },
    async listAudit(input = {}) {
      const before = input.before ?? Number.MAX_SAFE_INTEGER;
      return audit
        .filter((e) => e.id < before)
        .reverse()
        .slice(0, input.limit ?? 100);
    },
  };
  return store;
}
