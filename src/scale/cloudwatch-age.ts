/**
 * The age of the oldest message on Amazon SQS, read from CloudWatch.
 *
 * Amazon SQS has no API for it (GetQueueAttributes has no such attribute);
 * the only source is the CloudWatch metric AWS/SQS ApproximateAgeOfOldestMessage
 * (dimension QueueName, seconds). One GetMetricData call asks for up to 500
 * queues at once, one MetricDataQuery each: Period 60, Stat Maximum, over
 * [now − 10 min, now), ScanBy TimestampDescending; each queue's answer is its
 * newest datapoint.
 *
 * Lag. SQS pushes its metrics to CloudWatch at one-minute intervals, so the
 * newest datapoint describes a minute that has already passed (its timestamp
 * is that minute's start), and after a queue wakes from inactivity "a delay
 * of up to 15 minutes occurs" (both in
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html).
 * So the number is at least a minute old, sometimes many. It is the number AWS's own step-scaling and
 * target-tracking alarms on this metric evaluate, so the sluice policy reacts
 * to what an Application Auto Scaling alarm would, no earlier. Asking more
 * often than once a minute returns the same datapoint (and GetMetricData is
 * billed per metric requested).
 *
 * Unknown is `undefined`, never 0:
 * - a queue inactive for more than six hours is "asleep": SQS stops sending
 *   its metrics (same page), so an idle or new queue has no datapoint;
 * - the metric is "reported if the queue contains at least one active
 *   message" (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-available-cloudwatch-metrics.html),
 *   so an empty queue may have none either;
 * - the first datapoints of a waking queue may come after the 10-minute window.
 * The caller, who also knows the visible count, decides what unknown means.
 *
 * Errors: any failed call throws a CloudWatchAgeError naming CloudWatch, the
 * queue(s) and the SDK's error; an access denial also names the IAM
 * permission needed, cloudwatch:GetMetricData. A query CloudWatch answers
 * with StatusCode Forbidden or InternalError is an error for that queue.
 */
import {
  CloudWatchClient,
  type CloudWatchClientConfig,
  GetMetricDataCommand,
  type MetricDataQuery,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { endpointCredentials } from '../client/aws.ts';
import { type Clock, systemClock } from '../time/clock.ts';

export interface CloudWatchAgesOptions {
  /** Unset: the SDK's default region chain (AWS_REGION, the config file). Must be the queues' region. */
  readonly region?: string;
  /** A CloudWatch-compatible endpoint (tests, LocalStack); unset: Amazon CloudWatch. */
  readonly endpoint?: string;
  /** Unset: the SDK's chain, or placeholder keys for a custom endpoint (see src/client/aws.ts). */
  readonly credentials?: CloudWatchClientConfig['credentials'];
  /** A ready SDK client; it is then never destroyed here. */
  readonly cloudwatch?: CloudWatchClient;
  /** Where "now" comes from (the query window ends there); default the wall clock. */
  readonly clock?: Clock;
}

export interface CloudWatchAges {
  /** The newest ApproximateAgeOfOldestMessage of one queue, in seconds; undefined when CloudWatch has none. */
  ageOf(queueName: string): Promise<number | undefined>;
  /** The same for several queues in one GetMetricData call (per 500); queues without a datapoint are absent. */
  agesOf(queueNames: readonly string[]): Promise<Map<string, number>>;
  /** Releases the SDK client's sockets (unless it was passed in). */
  close(): void;
}

/** A failure to read message ages; the message names CloudWatch and the queue(s). */
export class CloudWatchAgeError extends Error {
  override name = 'CloudWatchAgeError';
}

/** The window asked for: long enough to hold a datapoint that is several minutes late. */
export const AGE_WINDOW_MS = 10 * 60_000;
/** GetMetricData's limit of MetricDataQuery structures per call. */
const QUERIES_PER_CALL = 500;
const PERMISSION = 'cloudwatch:GetMetricData';

/**
 * A reader of ApproximateAgeOfOldestMessage for Amazon SQS queues, by name.
 *
 * @example
 * const ages = cloudWatchAges({ region: 'eu-west-1' });
 * const age = await ages.ageOf('push-jobs'); // 42, or undefined for an idle queue
 * const all = await ages.agesOf(['push-jobs', 'mail-jobs']); // Map { 'push-jobs' => 42 }
 * ages.close();
 */
export function cloudWatchAges(options: CloudWatchAgesOptions = {}): CloudWatchAges {
  const clock = options.clock ?? systemClock;
  const owned = options.cloudwatch === undefined;
  let client = options.cloudwatch;
  const cloudwatch = () => {
    client ??= new CloudWatchClient({
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...endpointCredentials(options.endpoint, options.credentials),
    });
    return client;
  };

  /** One GetMetricData call for at most 500 queues. */
  async function read(names: readonly string[], into: Map<string, number>): Promise<void> {
    const now = clock.now();
    const queries: MetricDataQuery[] = names.map((name, i) => ({
      Id: `q${i}`,
      Label: name,
      MetricStat: {
        Metric: {
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateAgeOfOldestMessage',
          Dimensions: [{ Name: 'QueueName', Value: name }],
        },
        Period: 60,
        Stat: 'Maximum',
      },
      ReturnData: true,
    }));
    let results: MetricDataResult[];
    try {
      // At most 10 datapoints per queue (10 minutes at Period 60), 5,000 per call:
      // far under GetMetricData's page of 100,800, so there is never a NextToken.
      const out = await cloudwatch().send(
        new GetMetricDataCommand({
          MetricDataQueries: queries,
          StartTime: new Date(now - AGE_WINDOW_MS),
          EndTime: new Date(now),
          ScanBy: 'TimestampDescending',
        }),
      );
      results = out.MetricDataResults ?? [];
    } catch (e) {
      throw failure(names, e);
    }
    for (const result of results) {
      const name = names[Number(result.Id?.slice(1))];
      if (name === undefined) continue;
      if (result.StatusCode === 'Forbidden' || result.StatusCode === 'InternalError') {
        const why = (result.Messages ?? []).map((m) => `${m.Code}: ${m.Value}`).join('; ');
        const hint =
          result.StatusCode === 'Forbidden'
            ? ` (ask in the queue's own region; the caller needs the IAM permission ${PERMISSION})`
            : '';
        throw new CloudWatchAgeError(
          `CloudWatch GetMetricData for ${queues([name])}: ${result.StatusCode}${why ? `: ${why}` : ''}${hint}`,
        );
      }
      const newest = newestValue(result);
      if (newest !== undefined) into.set(name, newest);
    }
  }

  async function agesOf(queueNames: readonly string[]): Promise<Map<string, number>> {
    const names = [...new Set(queueNames)];
    const ages = new Map<string, number>();
    for (let i = 0; i < names.length; i += QUERIES_PER_CALL) {
      await read(names.slice(i, i + QUERIES_PER_CALL), ages);
    }
    return ages;
  }

  return {
    agesOf,
    async ageOf(queueName) {
      return (await agesOf([queueName])).get(queueName);
    },
    close() {
      if (owned) client?.destroy();
    },
  };
}

/** The value at the latest timestamp (the order asked for is newest first; this does not rely on it). */
function newestValue(result: MetricDataResult): number | undefined {
  const { Timestamps = [], Values = [] } = result;
  let at = -Infinity;
  let value: number | undefined;
  Timestamps.forEach((t, i) => {
    const v = Values[i];
    if (v !== undefined && t.getTime() > at) {
      at = t.getTime();
      value = v;
    }
  });
  return value;
}

function queues(names: readonly string[]): string {
  const list = names.map((n) => `"${n}"`).join(', ');
  return names.length === 1 ? `queue ${list}` : `queues ${list}`;
}

/** An SDK error as a CloudWatchAgeError naming the queues; a denial names the permission. */
function failure(names: readonly string[], e: unknown): CloudWatchAgeError {
  const error = e instanceof Error ? e : new Error(String(e));
  const denied = /AccessDenied|NotAuthorized|Unauthorized|Forbidden/i.test(`${error.name} ${error.message}`);
  const hint = denied ? ` (the caller needs the IAM permission ${PERMISSION})` : '';
  return new CloudWatchAgeError(
    `CloudWatch GetMetricData (AWS/SQS ApproximateAgeOfOldestMessage) for ${queues(names)} failed: ${error.name}: ${error.message}${hint}`,
    { cause: e },
  );
}
