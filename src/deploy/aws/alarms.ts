/**
 * The queues' alarms, thresholds from `deploy.aws.alarms`: a dead-letter
 * queue holding more than `dlqDepth` messages (default 0: any), a queue with
 * more than `visible` messages waiting (1,000,000), and a message older than
 * `oldestAgeSeconds` (300 s). Each watches its queue's Maximum over 60 s
 * periods. Alarms name no action: a renderer's user adds their SNS topic.
 */
import type { QueueConfig } from '../../config/config-file.ts';
import { type MetricQuery, queueMetric, single } from './metrics.ts';
import type { AwsSettings } from './settings.ts';

export interface QueueAlarm {
  /** Unique in the model, usable as a construct id: `<queue>-dlq-depth`, `<queue>-visible`, `<queue>-oldest-age`. */
  readonly id: string;
  readonly kind: 'dlq-depth' | 'visible' | 'oldest-age';
  readonly queue: string;
  readonly description: string;
  readonly query: MetricQuery;
  readonly comparison: 'GreaterThanThreshold';
  readonly threshold: number;
  readonly evaluationPeriods: number;
  /** An idle queue sends no metrics: nothing is wrong then. */
  readonly treatMissingData: 'notBreaching';
}

/** Alarms are judged per minute: SQS sends its metrics once a minute. */
const PERIOD_SECONDS = 60;

/**
 * The alarms of the config's queues.
 *
 * @example
 * queueAlarms(config.queues, settings.aws).map((a) => a.id); // ['jobs-visible', 'jobs-oldest-age', 'jobs-dlq-dlq-depth']
 */
export function queueAlarms(queues: readonly QueueConfig[], settings: AwsSettings): QueueAlarm[] {
  const { dlqDepth, visible, oldestAgeSeconds, evaluationPeriods } = settings.alarms;
  const alarm = (
    kind: QueueAlarm['kind'],
    queue: string,
    threshold: number,
    description: string,
    metric: Parameters<typeof queueMetric>[1],
  ): QueueAlarm =>
    Object.freeze({
      id: `${queue}-${kind}`,
      kind,
      queue,
      description,
      query: single(queueMetric(queue, metric, 'Maximum'), `${queue} ${kind}`, PERIOD_SECONDS),
      comparison: 'GreaterThanThreshold',
      threshold,
      evaluationPeriods,
      treatMissingData: 'notBreaching',
    });
  return queues.flatMap((q) => [
    alarm(
      'visible',
      q.name,
      visible,
      `${q.name}: more than ${visible} messages waiting`,
      'ApproximateNumberOfMessagesVisible',
    ),
    alarm(
      'oldest-age',
      q.name,
      oldestAgeSeconds,
      `${q.name}: a message has waited more than ${oldestAgeSeconds} s`,
      'ApproximateAgeOfOldestMessage',
    ),
    ...(q.dlq
      ? [
          alarm(
            'dlq-depth',
            q.dlq.name,
            dlqDepth,
            `${q.dlq.name}: more than ${dlqDepth} failed messages from ${q.name}`,
            'ApproximateNumberOfMessagesVisible',
          ),
        ]
      : []),
  ]);
}
