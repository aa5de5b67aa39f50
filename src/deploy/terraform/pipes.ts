/**
 * pipes.tf.json: each zero-scale pipe of the model (src/deploy/aws/pipe.ts).
 * Nothing runs while its queue is empty; EventBridge Pipes polls it and
 *
 *   per message  starts an ECS task (RunTask) on the model's capacity provider (Fargate Spot),
 *                batch size 1, the message's body in SQS_BODY ($.body);
 *   per batch    starts the pipe's state machine (Standard: asynchronous), which runs the task
 *                with the batch in SQS_BODY (ecs:runTask.sync), retries it, and sends a batch
 *                that keeps failing to the queue's DLQ (src/deploy/aws/state-machine.ts).
 *
 * Each pipe has its task definition, its log group, an empty task role (its
 * command's own permissions are the caller's to attach: output
 * pipe_task_role_names), and roles for the pipe and the state machine with
 * only the model's grants.
 */
import type { AwsModel } from '../aws/model.ts';
import type { AwsPipe, PipeGrant, PipeResource } from '../aws/pipe.ts';
import { batchStateMachine } from '../aws/state-machine.ts';
import { inlinePolicy, role } from './iam.ts';
import { sameRegion } from './main.ts';
import { CLUSTER, EXECUTION_ROLE, label, local, type QueueLabels, variable } from './names.ts';
import { awsLogs, capacityStrategy, environment } from './service.ts';
import { jsonDocument, ref, splice, tpl, type Value } from './template.ts';

/** The label of the pipe's resources (its roles add `_task`, `_pipe`, `_state_machine`). */
export const pipeLabel = (pipe: Pick<AwsPipe, 'name'>): string => `pipe_${label(pipe.name)}`;

/** The image a pipe's task runs: var.image where it is the module's image, else the pipe's own. */
const imageOf = (pipe: AwsPipe, moduleImage: string): Value =>
  pipe.task.image === moduleImage ? variable.image : pipe.task.image;

const publicIp = (pipe: AwsPipe) => (pipe.task.assignPublicIp ? 'ENABLED' : 'DISABLED');

function arnsOf(pipe: AwsPipe, id: string, queues: QueueLabels): (on: PipeResource) => Value[] {
  return (on) => {
    switch (on) {
      case 'source-queue':
        return [queues.attr(pipe.queue, 'arn')];
      case 'dead-letter-queue':
        return pipe.stateMachine ? [queues.attr(pipe.stateMachine.deadLetterQueue, 'arn')] : [];
      case 'task-definition':
        return [ref(`aws_ecs_task_definition.${id}.arn`)];
      case 'task-roles':
        return [ref(`aws_iam_role.${id}_task.arn`), ref(`aws_iam_role.${EXECUTION_ROLE}.arn`)];
      case 'cluster-tasks':
        return [local.clusterTasks];
      case 'ecs-sync-rule':
        return [
          tpl`arn:${local.partition}:events:${local.region}:${local.account}:rule/StepFunctionsGetEventsForECSTaskRule`,
        ];
      case 'state-machine':
        return [ref(`aws_sfn_state_machine.${id}.arn`)];
    }
  };
}

const statements = (grants: readonly PipeGrant[], arns: (on: PipeResource) => Value[]) =>
  grants.map((g) => ({ actions: g.actions, resources: arns(g.on) }));

function onePipe(model: AwsModel, pipe: AwsPipe, queues: QueueLabels, moduleImage: string) {
  const id = pipeLabel(pipe);
  const arns = arnsOf(pipe, id, queues);
  const network = {
    subnets: variable.subnets,
    security_groups: variable.securityGroups,
    assign_public_ip: publicIp(pipe),
  };
  const roles: Record<string, Value> = {
    [`${id}_task`]: role(
      pipe.name,
      'task',
      `${pipe.name}: the command's own permissions (none yet)`,
      'ecs-tasks',
    ),
    [`${id}_pipe`]: role(
      pipe.name,
      'pipe',
      `${pipe.name}: reads ${pipe.queue}, starts the ${pipe.stateMachine ? 'state machine' : 'task'}`,
      'pipes',
      local.account,
    ),
  };
  const policies: Record<string, Value> = {
    [`${id}_pipe`]: inlinePolicy(`${id}_pipe`, 'pipe', statements(pipe.pipeRole, arns)),
  };
  let stateMachine: Record<string, Value> = {};
  if (pipe.stateMachine) {
    const dlq = pipe.stateMachine.deadLetterQueue;
    roles[`${id}_state_machine`] = role(
      pipe.name,
      'state-machine',
      `${pipe.name}: runs the task, retries it, sends a failed batch to ${dlq}`,
      'states',
      local.account,
    );
    policies[`${id}_state_machine`] = inlinePolicy(
      `${id}_state_machine`,
      'run-task',
      statements(pipe.stateMachineRole ?? [], arns),
    );
    stateMachine = {
      [id]: {
        name: pipe.name,
        type: 'STANDARD',
        role_arn: ref(`aws_iam_role.${id}_state_machine.arn`),
        // Plain JSON around the references given: a Value.
        definition: jsonDocument(
          batchStateMachine<Value>(pipe, {
            clusterArn: local.clusterArn,
            taskDefinitionArn: ref(`aws_ecs_task_definition.${id}.arn`),
            subnets: [splice('var.subnets')],
            securityGroups: [splice('var.security_groups')],
            assignPublicIp: pipe.task.assignPublicIp,
            deadLetterQueueUrl: queues.attr(dlq, 'url'),
          }) as Value,
        ),
        depends_on: [`aws_iam_role_policy.${id}_state_machine`],
      },
    };
  }
  const container = {
    name: pipe.task.containerName,
    image: imageOf(pipe, moduleImage),
    essential: true,
    command: [...pipe.task.command],
    environment: environment(pipe.task.env),
    logConfiguration: awsLogs(id, pipe.task.containerName),
  };
  return {
    aws_cloudwatch_log_group: {
      [id]: { name: `/ecs/${pipe.name}`, retention_in_days: pipe.task.logRetentionDays },
    },
    aws_iam_role: roles,
    aws_iam_role_policy: policies,
    aws_ecs_task_definition: {
      [id]: {
        family: pipe.name,
        requires_compatibilities: ['FARGATE'],
        network_mode: 'awsvpc',
        cpu: String(pipe.task.size.cpuUnits),
        memory: String(pipe.task.size.memoryMiB),
        execution_role_arn: ref(`aws_iam_role.${EXECUTION_ROLE}.arn`),
        task_role_arn: ref(`aws_iam_role.${id}_task.arn`),
        container_definitions: jsonDocument([container]),
      },
    },
    aws_sfn_state_machine: stateMachine,
    aws_pipes_pipe: {
      [id]: {
        name: pipe.name,
        role_arn: ref(`aws_iam_role.${id}_pipe.arn`),
        source: queues.attr(pipe.queue, 'arn'),
        source_parameters: {
          sqs_queue_parameters: {
            batch_size: pipe.batchSize,
            maximum_batching_window_in_seconds: pipe.windowSeconds,
          },
        },
        ...(pipe.stateMachine
          ? {
              target: ref(`aws_sfn_state_machine.${id}.arn`),
              target_parameters: {
                step_function_state_machine_parameters: { invocation_type: 'FIRE_AND_FORGET' },
              },
            }
          : {
              target: local.clusterArn,
              target_parameters: {
                ecs_task_parameters: {
                  task_definition_arn: ref(`aws_ecs_task_definition.${id}.arn`),
                  task_count: 1,
                  capacity_provider_strategy: capacityStrategy(pipe.task),
                  network_configuration: { aws_vpc_configuration: network },
                  overrides: {
                    container_override: [
                      {
                        name: pipe.task.containerName,
                        environment: [{ name: pipe.body.variable, value: pipe.body.from }],
                      },
                    ],
                  },
                },
              },
            }),
        lifecycle: { precondition: [sameRegion(model)] },
        depends_on: [`aws_iam_role_policy.${id}_pipe`, `aws_ecs_cluster_capacity_providers.${CLUSTER}`],
      },
    },
  };
}

/** The pipes' resources, merged by type. */
export function pipesFile(model: AwsModel, queues: QueueLabels, moduleImage: string): Record<string, Value> {
  const resource: Record<string, Record<string, Value>> = {};
  for (const pipe of model.pipes)
    for (const [type, byLabel] of Object.entries(onePipe(model, pipe, queues, moduleImage)))
      resource[type] = { ...resource[type], ...byLabel };
  for (const [type, byLabel] of Object.entries(resource))
    if (Object.keys(byLabel).length === 0) delete resource[type];
  return { resource };
}
