/**
 * `SluiceQueue`: one queue of the model with its dead-letter queue (the
 * redrive policy after maxReceiveCount), SSE with SQS-managed keys, a
 * queue policy refusing anything but TLS on both, and the queue's alarms
 * (visible, oldest age, DLQ depth) with the model's thresholds.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsModel } from '../aws/model.ts';
import type { AwsQueue } from '../aws/queues.ts';
import { metricAlarm } from './metrics.ts';

export interface SluiceQueueArgs {
  /** The model (`loadAwsModel`). */
  readonly model: AwsModel;
  /** The queue's name in the config. */
  readonly queue: string;
  /** What the alarms do (an SNS topic's ARN); the model names no action. */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Denies every request not made over TLS (what CDK's enforceSSL writes). */
function tlsOnly(queue: aws.sqs.Queue): pulumi.Output<string> {
  return pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'sqs:*',
        Resource: queue.arn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

/**
 * A queue of the config, its DLQ and alarms, as the model says.
 *
 * @example
 * const model = await loadAwsModel('sluice.config.ts', { profile: pulumi.getStack() });
 * const jobs = new SluiceQueue('jobs', { model, queue: 'jobs', alarmActions: [topic.arn] });
 * export const url = jobs.queue.url;
 */
export class SluiceQueue extends pulumi.ComponentResource {
  readonly model: AwsQueue;
  readonly queue: aws.sqs.Queue;
  readonly deadLetterQueue: aws.sqs.Queue | undefined;
  readonly alarms: readonly aws.cloudwatch.MetricAlarm[];

  constructor(name: string, args: SluiceQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sluice:aws:SluiceQueue', name, {}, opts);
    const q = args.model.queues.find((x) => x.name === args.queue);
    if (!q) throw new Error(`SluiceQueue: the config declares no queue "${args.queue}"`);
    this.model = q;
    const { region } = args.model;
    const parent = { parent: this };
    const common = {
      region,
      sqsManagedSseEnabled: q.encryption === 'sqs-managed',
      ...(q.fifo ? { fifoQueue: true } : {}),
    };
    const dlq = q.dlq;
    this.deadLetterQueue =
      dlq &&
      new aws.sqs.Queue(
        `${name}-dlq`,
        { ...common, name: dlq.name, messageRetentionSeconds: dlq.retentionSeconds },
        parent,
      );
    this.queue = new aws.sqs.Queue(
      name,
      {
        ...common,
        name: q.name,
        visibilityTimeoutSeconds: q.visibilityTimeoutSeconds,
        messageRetentionSeconds: q.retentionSeconds,
        delaySeconds: q.delaySeconds,
        ...(q.contentBasedDeduplication === undefined
          ? {}
          : { contentBasedDeduplication: q.contentBasedDeduplication }),
        ...(dlq && this.deadLetterQueue
          ? {
              redrivePolicy: pulumi.jsonStringify({
                deadLetterTargetArn: this.deadLetterQueue.arn,
                maxReceiveCount: dlq.maxReceiveCount,
              }),
            }
          : {}),
      },
      parent,
    );
    if (q.enforceSSL)
      for (const [suffix, queue] of [
        ['', this.queue],
        ['-dlq', this.deadLetterQueue],
      ] as const)
        if (queue)
          new aws.sqs.QueuePolicy(
            `${name}${suffix}-tls-only`,
            { region, queueUrl: queue.url, policy: tlsOnly(queue) },
            parent,
          );

    const mine = new Set([q.name, ...(dlq ? [dlq.name] : [])]);
    this.alarms = args.model.alarms
      .filter((a) => mine.has(a.queue))
      .map((a) =>
        metricAlarm(
          `${name}-${a.kind}`,
          {
            description: a.description,
            alarm: a,
            region,
            ...(args.alarmActions === undefined ? {} : { actions: args.alarmActions }),
          },
          parent,
        ),
      );
    this.registerOutputs({ queueUrl: this.queue.url, deadLetterQueueUrl: this.deadLetterQueue?.url });
  }

  /** The queue (or its DLQ) by its name in the config. */
  byName(name: string): aws.sqs.Queue | undefined {
    if (name === this.model.name) return this.queue;
    if (name === this.model.dlq?.name) return this.deadLetterQueue;
    return undefined;
  }
}

/**
 * A SluiceQueue for every queue of the model, by queue name; each named `<prefix><queue>`
 * (a component's children carry its name, so two components never make the same URN).
 *
 * @example
 * const queues = sluiceQueues(model, { alarmActions: [topic.arn] });
 * queues['push-notifications']?.queue.arn;
 */
export function sluiceQueues(
  model: AwsModel,
  options: { readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>; readonly prefix?: string } = {},
  opts?: pulumi.ComponentResourceOptions,
): Record<string, SluiceQueue> {
  const { prefix = '', ...args } = options;
  return Object.fromEntries(
    model.queues.map((q) => [
      q.name,
      new SluiceQueue(`${prefix}${q.name}`, { model, queue: q.name, ...args }, opts),
    ]),
  );
}
