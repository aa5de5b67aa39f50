/**
 * The workers' task role: only the SQS actions `sluice start` calls, each on
 * only the queues it calls it on (read from the worker runtime and the
 * scheduler, not guessed):
 *
 * | queue | actions | who calls them |
 * | --- | --- | --- |
 * | every queue of the config, DLQs too | GetQueueUrl | start checks every queue exists; workers and schedules look their URLs up |
 * | a queue a worker reads | ReceiveMessage, DeleteMessage, ChangeMessageVisibility, GetQueueAttributes | poller; acker (DeleteMessageBatch); heartbeat and hand-back (ChangeMessageVisibilityBatch); the DLQ lookup (RedrivePolicy) and the backlog probe |
 * | its dead-letter queue | SendMessage | a PermanentError, a bad body, or the last receive goes there with the error attached |
 * | a queue a schedule sends to | SendMessage, ListQueueTags, TagQueue | one message per tick; the last tick is kept in a tag |
 * | `deploy.aws.sendsTo` | SendMessage | the handlers' own sends |
 *
 * IAM has no separate actions for the batch calls: DeleteMessageBatch,
 * ChangeMessageVisibilityBatch and SendMessageBatch are allowed by
 * DeleteMessage, ChangeMessageVisibility and SendMessage.
 *
 * Task scale-in protection: the worker asks the ECS agent
 * ($ECS_AGENT_URI/task-protection/v1/state), which calls
 * UpdateTaskProtection and GetTaskProtection with the task role, on the
 * service's own tasks.
 */
import type { SluiceConfig } from '../../config/config-file.ts';

/** A statement on queues, by name; a renderer turns each name into the queue's ARN. */
export interface QueueGrant {
  readonly actions: readonly string[];
  readonly queues: readonly string[];
}

export interface TaskRole {
  /** One statement per set of actions, queues sorted by name. */
  readonly queueGrants: readonly QueueGrant[];
  /** On `arn:…:ecs:<region>:<account>:task/<cluster>/*`: the service's cluster's tasks. */
  readonly taskProtectionActions: readonly string[];
}

const READ = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:ReceiveMessage',
];
const SEND = ['sqs:SendMessage'];
const SCHEDULE = ['sqs:ListQueueTags', 'sqs:SendMessage', 'sqs:TagQueue'];
const LOOKUP = ['sqs:GetQueueUrl'];
export const TASK_PROTECTION_ACTIONS = Object.freeze(['ecs:GetTaskProtection', 'ecs:UpdateTaskProtection']);

const nameOf = (queue: string) => queue.split('/').at(-1) ?? queue;

/**
 * The task role of the service running `config` (sendsTo: the queues handlers send to).
 *
 * @example
 * taskRole(config, ['alerts']).queueGrants[0]; // { actions: ['sqs:ChangeMessageVisibility', …], queues: ['jobs'] }
 */
export function taskRole(config: SluiceConfig, sendsTo: readonly string[]): TaskRole {
  const actions = new Map<string, Set<string>>();
  const grant = (queue: string, more: readonly string[]) => {
    const set = actions.get(queue) ?? new Set<string>();
    for (const a of more) set.add(a);
    actions.set(queue, set);
  };
  for (const q of config.queues) {
    grant(q.name, LOOKUP);
    if (q.dlq) grant(q.dlq.name, LOOKUP);
  }
  const dlqOf = new Map(config.queues.map((q) => [q.name, q.dlq?.name]));
  for (const w of config.workers)
    for (const { queue } of w.queues) {
      const name = nameOf(queue);
      grant(name, READ);
      const dlq = dlqOf.get(name);
      if (dlq) grant(dlq, SEND);
    }
  for (const s of config.schedules) grant(nameOf(s.queue), SCHEDULE);
  for (const name of sendsTo) grant(name, SEND);

  const byActions = new Map<string, string[]>();
  for (const [queue, set] of [...actions].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const key = [...set].sort().join(',');
    byActions.set(key, [...(byActions.get(key) ?? []), queue]);
  }
  const queueGrants = [...byActions]
    .sort(([a], [b]) => b.length - a.length || (a < b ? -1 : 1))
    .map(([key, queues]) =>
      Object.freeze({ actions: Object.freeze(key.split(',')), queues: Object.freeze(queues) }),
    );
  return Object.freeze({
    queueGrants: Object.freeze(queueGrants),
    taskProtectionActions: TASK_PROTECTION_ACTIONS,
  });
}
