/**
 * A batch pipe's state machine (Amazon States Language), the same for every
 * renderer: they pass in the ARNs and network they made, as values or as
 * their own tokens, and write the result as the definition.
 *
 *   Batch      the pipe's input (the batch's records) kept as $.records
 *   RunTask    ecs:runTask.sync with SQS_BODY = the records as JSON; a failed
 *              task is retried (Retry from the model); then
 *   DeadLetter every record to the DLQ: its body, sluice.error (the task's
 *              failure), sluice.sourceQueue, sluice.messageId — as a worker
 *              sends a message it gives up on
 *   Failed     the execution fails, so the failure shows
 */
import type { AwsPipe } from './pipe.ts';

export interface StateMachineRefs<T = string> {
  readonly clusterArn: T;
  readonly taskDefinitionArn: T;
  readonly subnets: readonly T[];
  readonly securityGroups: readonly T[];
  readonly assignPublicIp: boolean;
  readonly deadLetterQueueUrl: T;
}

/**
 * The state machine's definition for a batch pipe.
 *
 * @example
 * JSON.stringify(batchStateMachine(pipe, { clusterArn, taskDefinitionArn, subnets, securityGroups, assignPublicIp: false, deadLetterQueueUrl }));
 */
export function batchStateMachine<T>(pipe: AwsPipe, refs: StateMachineRefs<T>): Record<string, unknown> {
  const machine = pipe.stateMachine;
  if (machine === undefined)
    throw new Error(`pipe ${pipe.name} runs a task per message: it has no state machine`);
  const send: Record<string, unknown> = {
    QueueUrl: refs.deadLetterQueueUrl,
    'MessageBody.$': '$.record.body',
    MessageAttributes: {
      'sluice.error': { DataType: 'String', 'StringValue.$': "States.Format('{}: {}', $.error, $.cause)" },
      'sluice.sourceQueue': { DataType: 'String', StringValue: pipe.queue },
      'sluice.messageId': { DataType: 'String', 'StringValue.$': '$.record.messageId' },
    },
    ...(pipe.fifo
      ? {
          'MessageGroupId.$': '$.record.attributes.MessageGroupId',
          'MessageDeduplicationId.$': '$.record.messageId',
        }
      : {}),
  };
  return {
    Comment: `sluice pipe ${pipe.name}: a Fargate task per batch of ${pipe.queue}, the batch in ${pipe.body.variable}`,
    StartAt: 'Batch',
    // The whole run: every attempt at its own timeout, plus room for the retries' waits and the DLQ.
    TimeoutSeconds: machine.timeoutSeconds * (machine.retry.maxAttempts + 2),
    States: {
      Batch: { Type: 'Pass', Parameters: { 'records.$': '$' }, Next: 'RunTask' },
      RunTask: {
        Type: 'Task',
        Resource: 'arn:aws:states:::ecs:runTask.sync',
        Parameters: {
          Cluster: refs.clusterArn,
          TaskDefinition: refs.taskDefinitionArn,
          CapacityProviderStrategy: pipe.task.capacity.map((c) => ({
            CapacityProvider: c.capacityProvider,
            Base: c.base,
            Weight: c.weight,
          })),
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: refs.subnets,
              SecurityGroups: refs.securityGroups,
              AssignPublicIp: refs.assignPublicIp ? 'ENABLED' : 'DISABLED',
            },
          },
          Overrides: {
            ContainerOverrides: [
              {
                Name: pipe.task.containerName,
                Environment: [{ Name: pipe.body.variable, 'Value.$': 'States.JsonToString($.records)' }],
              },
            ],
          },
        },
        TimeoutSeconds: machine.timeoutSeconds,
        ResultPath: null,
        Retry: [
          {
            ErrorEquals: machine.retry.errors,
            MaxAttempts: machine.retry.maxAttempts,
            IntervalSeconds: machine.retry.intervalSeconds,
            BackoffRate: machine.retry.backoffRate,
          },
        ],
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'DeadLetter' }],
        End: true,
      },
      DeadLetter: {
        Type: 'Map',
        ItemsPath: '$.records',
        ItemSelector: {
          'record.$': '$$.Map.Item.Value',
          'error.$': '$.failure.Error',
          'cause.$': '$.failure.Cause',
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Send',
          States: {
            Send: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: send, End: true },
          },
        },
        ResultPath: null,
        Next: 'Failed',
      },
      Failed: { Type: 'Fail', Error: 'TaskFailed', Cause: `the batch went to ${machine.deadLetterQueue}` },
    },
  };
}
