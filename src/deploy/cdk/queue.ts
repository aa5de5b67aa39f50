/**
 * `SluiceQueue`: one queue of the model with its dead-letter queue (redrive
 * after maxReceiveCount), SSE with SQS-managed keys, a TLS-only queue
 * policy (enforceSSL), and its alarms (visible, oldest age, DLQ depth).
 */
import { Duration } from 'aws-cdk-lib';
import { Alarm, type IAlarm, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { AwsModel } from '../aws/model.ts';
import type { AwsQueue } from '../aws/queues.ts';
import { COMPARISON, cdkMetric } from './metrics.ts';

export interface SluiceQueueProps {
  /** The model (`loadAwsModel`). */
  readonly model: AwsModel;
  /** The queue's name in the config. */
  readonly queue: string;
}

/**
 * A queue of the config, its DLQ and alarms, as the model says.
 *
 * @example
 * const jobs = new SluiceQueue(stack, 'Jobs', { model, queue: 'jobs' });
 * jobs.alarms.forEach((a) => a.addAlarmAction(new SnsAction(topic)));
 */
export class SluiceQueue extends Construct {
  readonly model: AwsQueue;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue | undefined;
  readonly alarms: readonly IAlarm[];

  constructor(scope: Construct, id: string, props: SluiceQueueProps) {
    super(scope, id);
    const q = props.model.queues.find((x) => x.name === props.queue);
    if (!q) throw new Error(`SluiceQueue: the config declares no queue "${props.queue}"`);
    this.model = q;
    const common = {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: q.enforceSSL,
      ...(q.fifo ? { fifo: true } : {}),
    };
    this.deadLetterQueue =
      q.dlq &&
      new Queue(this, 'DeadLetterQueue', {
        ...common,
        queueName: q.dlq.name,
        retentionPeriod: Duration.seconds(q.dlq.retentionSeconds),
      });
    this.queue = new Queue(this, 'Queue', {
      ...common,
      queueName: q.name,
      visibilityTimeout: Duration.seconds(q.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(q.retentionSeconds),
      deliveryDelay: Duration.seconds(q.delaySeconds),
      ...(q.contentBasedDeduplication === undefined
        ? {}
        : { contentBasedDeduplication: q.contentBasedDeduplication }),
      ...(q.dlq && this.deadLetterQueue
        ? { deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: q.dlq.maxReceiveCount } }
        : {}),
    });
    const mine = new Set([q.name, ...(q.dlq ? [q.dlq.name] : [])]);
    this.alarms = props.model.alarms
      .filter((a) => mine.has(a.queue))
      .map(
        (a) =>
          new Alarm(this, `Alarm-${a.kind}`, {
            alarmDescription: a.description,
            metric: cdkMetric(a.query, undefined, false),
            threshold: a.threshold,
            evaluationPeriods: a.evaluationPeriods,
            comparisonOperator: COMPARISON[a.comparison],
            treatMissingData: TreatMissingData.NOT_BREACHING,
          }),
      );
  }

  /** The queue's (or its DLQ's) construct by name. */
  byName(name: string): Queue | undefined {
    if (name === this.model.name) return this.queue;
    if (name === this.model.dlq?.name) return this.deadLetterQueue;
    return undefined;
  }
}

/**
 * A SluiceQueue for every queue of the model, by queue name.
 *
 * @example
 * const queues = sluiceQueues(stack, model);
 * queues['push-notifications']?.queue.queueArn;
 */
export function sluiceQueues(scope: Construct, model: AwsModel): Record<string, SluiceQueue> {
  return Object.fromEntries(
    model.queues.map((q) => [q.name, new SluiceQueue(scope, q.name, { model, queue: q.name })]),
  );
}
