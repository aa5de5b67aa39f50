/**
 * Zero-scale pipes: nothing runs while the queue is empty; EventBridge Pipes
 * polls it and starts a Fargate task for what arrives, as `sluice pipe`
 * starts a process locally.
 *
 * - `mode: 'message'` (as the seeds run it): Pipes → ECS RunTask, one task
 *   per message (batch size 1), the body in `SQS_BODY` (`$.body`). Pipes
 *   deletes the message once RunTask succeeds: a task that then fails does
 *   not bring its message back (only a failed RunTask does).
 * - `mode: 'batch'`: Pipes → a Step Functions state machine (Standard, so
 *   asynchronous: Pipes invokes only Express workflows synchronously, and
 *   those cannot wait for a task) → `ecs:runTask.sync`, the batch's records
 *   as a JSON array in `SQS_BODY` (what `sluice pipe` sets). The state
 *   machine owns what the queue would have done: a failed task is retried
 *   (maxReceiveCount − 1 times, first after the queue's visibility timeout,
 *   doubling), then every message of the batch goes to the queue's DLQ with
 *   `sluice.error` and `sluice.sourceQueue` attributes, as a worker sends them.
 *
 * ECS takes at most 8192 characters of overrides per RunTask, so `SQS_BODY`
 * suits small bodies (an id, a key to an object in S3), not large payloads.
 */
import type { QueueConfig } from '../../config/config-file.ts';
import { DeployModelError } from '../model.ts';
import { type FargateSize, fargateSize } from './fargate.ts';
import type { PipeSettings } from './settings.ts';

/** The container's name in a pipe's task definition (the override targets it). */
export const PIPE_CONTAINER = 'job';
/** The variable a pipe's task reads its message or batch from. */
export const BODY_VARIABLE = 'SQS_BODY';

export interface CapacityProviderItem {
  readonly capacityProvider: 'FARGATE' | 'FARGATE_SPOT';
  readonly base: number;
  readonly weight: number;
}

export interface AwsPipe {
  /** The pipe's name (≤ 64), also the prefix of its task definition, state machine and logs. */
  readonly name: string;
  readonly queue: string;
  readonly fifo: boolean;
  readonly mode: 'message' | 'batch';
  /** Pipes' SqsQueueParameters. */
  readonly batchSize: number;
  readonly windowSeconds: number;
  readonly task: {
    readonly image: string;
    readonly command: readonly string[];
    readonly containerName: typeof PIPE_CONTAINER;
    readonly size: FargateSize;
    readonly env: Readonly<Record<string, string>>;
    readonly capacity: readonly CapacityProviderItem[];
    readonly assignPublicIp: boolean;
    readonly logRetentionDays: number;
  };
  /** What goes in SQS_BODY: a message's body (`$.body`), or the batch's records as JSON. */
  readonly body: {
    readonly variable: typeof BODY_VARIABLE;
    readonly from: '$.body' | 'States.JsonToString($)';
  };
  /** Batch mode only: the state machine. */
  readonly stateMachine:
    | {
        readonly timeoutSeconds: number;
        readonly retry: {
          readonly errors: readonly string[];
          readonly maxAttempts: number;
          readonly intervalSeconds: number;
          readonly backoffRate: number;
        };
        readonly deadLetterQueue: string;
      }
    | undefined;
  /** The pipe's role: reads its queue, starts the task (message) or the state machine (batch). */
  readonly pipeRole: readonly PipeGrant[];
  /** Batch mode: the state machine's role. */
  readonly stateMachineRole: readonly PipeGrant[] | undefined;
}

/** What a grant is on; a renderer turns each into its ARN(s). */
export type PipeResource =
  | 'source-queue'
  | 'dead-letter-queue'
  | 'task-definition'
  /** The task's role and execution role (Pipes and Step Functions pass them to ECS). */
  | 'task-roles'
  /** `task/<cluster>/*`: the tasks it started. */
  | 'cluster-tasks'
  /** The rule Step Functions manages for `.sync` ECS tasks: `rule/StepFunctionsGetEventsForECSTaskRule`. */
  | 'ecs-sync-rule'
  | 'state-machine';

export interface PipeGrant {
  readonly actions: readonly string[];
  readonly on: PipeResource;
}

const grant = (on: PipeResource, ...actions: string[]): PipeGrant =>
  Object.freeze({ actions: Object.freeze(actions), on });

const SOURCE = grant('source-queue', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage');
const RUN_TASK = [grant('task-definition', 'ecs:RunTask'), grant('task-roles', 'iam:PassRole')];
/** What `arn:aws:states:::ecs:runTask.sync` needs (Step Functions' documented policy for it). */
const SYNC_RUN_TASK = [
  ...RUN_TASK,
  grant('cluster-tasks', 'ecs:DescribeTasks', 'ecs:StopTask'),
  grant('ecs-sync-rule', 'events:DescribeRule', 'events:PutRule', 'events:PutTargets'),
];

const PIPE_NAME_MAX = 64;

/**
 * The pipes of `deploy.aws.pipes`, checked against the config.
 *
 * @example
 * awsPipes(settings.aws.pipes, context).map((p) => p.name); // ['sluice-worker-renders']
 */
export function awsPipes(
  pipes: readonly PipeSettings[],
  context: {
    readonly serviceName: string;
    readonly image: string;
    readonly cpu: number;
    readonly memoryMiB: number;
    readonly region: string;
    readonly assignPublicIp: boolean;
    readonly logRetentionDays: number;
    readonly queues: readonly QueueConfig[];
    /** Queue name → the worker that reads it (`workers[2] (costs)`). */
    readonly readBy: ReadonlyMap<string, string>;
  },
): AwsPipe[] {
  const names = new Set<string>();
  return pipes.map((p, i) => {
    const at = `deploy.aws.pipes[${i}]`;
    const fail = (message: string): never => {
      throw new DeployModelError(`${at}${message}`);
    };
    const queue =
      context.queues.find((q) => q.name === p.queue) ?? fail(`.queue "${p.queue}" is not declared in queues`);
    const reader = context.readBy.get(p.queue);
    if (reader)
      fail(`.queue "${p.queue}" is read by ${reader}: a queue has one consumer, the pipe or the service`);
    if (p.mode === 'message' && p.batchSize !== 1)
      fail(`.batchSize must be 1 in mode "message" (one task per message), got ${p.batchSize}`);
    if (p.batchSize > 10 && p.windowSeconds < 1)
      fail(
        `.windowSeconds must be at least 1 with a batchSize over 10 (Pipes' rule for SQS), got ${p.windowSeconds}`,
      );
    if (queue.fifo && p.batchSize > 10)
      fail(`.batchSize must be at most 10 from a FIFO queue, got ${p.batchSize}`);
    if (p.mode === 'batch' && !queue.dlq)
      fail(`: mode "batch" needs a dlq on queue "${p.queue}" (a batch that keeps failing goes there)`);
    const name =
      p.name ??
      `${context.serviceName}-${p.queue.replace(/\.fifo$/, '').toLowerCase()}`.slice(0, PIPE_NAME_MAX);
    if (names.has(name)) fail(`.name "${name}" is taken by another pipe: give each a name`);
    names.add(name);
    const size = fargateSize(
      p.cpu ?? context.cpu,
      p.memoryMiB ?? context.memoryMiB,
      p.cpu === undefined && p.memoryMiB === undefined ? 'deploy' : at,
    );
    const visibility = queue.visibilityTimeout ?? 30;
    return Object.freeze({
      name,
      queue: queue.name,
      fifo: queue.fifo,
      mode: p.mode,
      batchSize: p.batchSize,
      windowSeconds: p.windowSeconds,
      task: Object.freeze({
        image: p.image ?? context.image,
        command: p.command,
        containerName: PIPE_CONTAINER,
        size,
        env: Object.freeze(
          Object.fromEntries(
            Object.entries({ AWS_REGION: context.region, ...p.env }).sort(([a], [b]) => (a < b ? -1 : 1)),
          ),
        ),
        capacity: Object.freeze([
          Object.freeze({
            capacityProvider: p.spot ? 'FARGATE_SPOT' : 'FARGATE',
            base: 0,
            weight: 1,
          } as const),
        ]),
        assignPublicIp: context.assignPublicIp,
        logRetentionDays: context.logRetentionDays,
      }),
      body: Object.freeze({
        variable: BODY_VARIABLE,
        from: p.mode === 'message' ? '$.body' : 'States.JsonToString($)',
      } as const),
      stateMachine:
        p.mode === 'batch'
          ? Object.freeze({
              timeoutSeconds: p.timeoutSeconds,
              retry: Object.freeze({
                errors: Object.freeze(['States.TaskFailed']),
                maxAttempts: queue.dlq!.maxReceiveCount - 1,
                intervalSeconds: Math.max(1, visibility),
                backoffRate: 2,
              }),
              deadLetterQueue: queue.dlq!.name,
            })
          : undefined,
      pipeRole: Object.freeze(
        p.mode === 'message'
          ? [SOURCE, ...RUN_TASK]
          : [SOURCE, grant('state-machine', 'states:StartExecution')],
      ),
      stateMachineRole:
        p.mode === 'batch'
          ? Object.freeze([...SYNC_RUN_TASK, grant('dead-letter-queue', 'sqs:SendMessage')])
          : undefined,
    });
  });
}
