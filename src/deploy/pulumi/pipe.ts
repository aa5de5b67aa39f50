/**
 * `SluicePipeWorker`: a zero-scale pipe of the model; nothing runs while its
 * queue is empty. Per message, an EventBridge pipe starts one Fargate (Spot)
 * task per message with the body in SQS_BODY (`$.body`, batch size 1); per
 * batch, the pipe starts a Step Functions execution that runs the task
 * (`ecs:runTask.sync`) with the batch in SQS_BODY, retries it and sends a
 * batch that keeps failing to the DLQ (the model's state machine,
 * src/deploy/aws/state-machine.ts). Every role holds the model's grants.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsModel } from '../aws/model.ts';
import type { AwsPipe, PipeGrant, PipeResource } from '../aws/pipe.ts';
import { batchStateMachine } from '../aws/state-machine.ts';
import { clusterOf, type SluiceCluster } from './cluster.ts';
import { SluiceQueue } from './queue.ts';
import { assumedBy, clusterTasksArn, ecsSyncRuleArn, type ServiceRole, serviceRole } from './roles.ts';
import { fargateTask } from './task.ts';

export interface SluicePipeWorkerArgs {
  /** The model (`loadAwsModel`). */
  readonly model: AwsModel;
  /** The pipe's name in the model, or its queue's; default: the model's only pipe. */
  readonly pipe?: string;
  /** The tasks' subnets (private, with a route to what the command calls). */
  readonly subnets: pulumi.Input<pulumi.Input<string>[]>;
  /** The tasks' security groups (outbound only: nothing calls a task). */
  readonly securityGroups: pulumi.Input<pulumi.Input<string>[]>;
  /** A cluster with the FARGATE and FARGATE_SPOT capacity providers; default: one made here. */
  readonly cluster?: SluiceCluster;
  /** The pipe's queue; default: a SluiceQueue made here (in a config with workers too, pass `workers.queues[queue]`). */
  readonly queue?: SluiceQueue;
  /** Over the pipe's image. */
  readonly image?: pulumi.Input<string>;
  /** What the alarms of a queue made here do (an SNS topic's ARN). */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

function pipeOf(pipes: readonly AwsPipe[], name: string | undefined): AwsPipe {
  const found =
    name === undefined
      ? pipes.length === 1
        ? pipes[0]
        : undefined
      : pipes.find((p) => p.name === name || p.queue === name);
  if (found) return found;
  const names = pipes.map((p) => p.name).join(', ') || 'no pipes';
  throw new Error(
    `SluicePipeWorker: ${name === undefined ? 'name the pipe (args.pipe): the model has' : `no pipe "${name}" among`} ${names}`,
  );
}

/**
 * A zero-scale pipe: per message a Fargate Spot task, per batch a state machine running one.
 *
 * @example
 * const model = await loadAwsModel('pipes.config.ts');
 * const renders = new SluicePipeWorker('renders', { model, pipe: 'renders', subnets, securityGroups: [group.id] });
 * export const pipe = renders.pipe.name;
 */
export class SluicePipeWorker extends pulumi.ComponentResource {
  readonly model: AwsPipe;
  readonly queue: SluiceQueue;
  readonly cluster: SluiceCluster;
  /** The task's own role, allowed nothing: attach what the command needs. */
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly pipeRole: aws.iam.Role;
  readonly pipe: aws.pipes.Pipe;
  /** Batch mode: the state machine and its role. */
  readonly stateMachine: aws.sfn.StateMachine | undefined;
  readonly stateMachineRole: aws.iam.Role | undefined;

  constructor(name: string, args: SluicePipeWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sluice:aws:SluicePipeWorker', name, {}, opts);
    const p = pipeOf(args.model.pipes, args.pipe);
    this.model = p;
    const { region } = args.model;
    const parent = { parent: this };
    this.queue =
      args.queue ??
      new SluiceQueue(
        `${name}-queue`,
        {
          model: args.model,
          queue: p.queue,
          ...(args.alarmActions === undefined ? {} : { alarmActions: args.alarmActions }),
        },
        parent,
      );
    const { cluster, ready } = clusterOf(args.cluster, name, region, parent);
    this.cluster = cluster;

    this.taskRole = assumedBy(
      `${name}-task`,
      'ecs-tasks.amazonaws.com',
      `${p.name}: the pipe's task`,
      parent,
    );
    const task = fargateTask(
      name,
      {
        family: p.name,
        region,
        size: p.task.size,
        taskRole: this.taskRole,
        logRetentionDays: p.task.logRetentionDays,
        container: {
          name: p.task.containerName,
          image: args.image ?? p.task.image,
          command: p.task.command,
          env: p.task.env,
        },
      },
      parent,
    );
    this.executionRole = task.executionRole;
    this.logGroup = task.logGroup;
    this.taskDefinition = task.taskDefinition;

    const arns = (on: PipeResource): pulumi.Input<string>[] => {
      switch (on) {
        case 'source-queue':
          return [this.queue.queue.arn];
        case 'dead-letter-queue':
          if (!this.queue.deadLetterQueue) throw new Error(`SluicePipeWorker: queue ${p.queue} has no DLQ`);
          return [this.queue.deadLetterQueue.arn];
        case 'task-definition':
          return [this.taskDefinition.arn];
        case 'task-roles':
          return [this.taskRole.arn, this.executionRole.arn];
        case 'cluster-tasks':
          return [clusterTasksArn(cluster.arn, cluster.name)];
        case 'ecs-sync-rule':
          return [ecsSyncRuleArn(cluster.arn)];
        case 'state-machine':
          if (!this.stateMachine) throw new Error('SluicePipeWorker: no state machine');
          return [this.stateMachine.arn];
      }
    };
    const role = (suffix: string, service: string, description: string, grants: readonly PipeGrant[]) =>
      serviceRole(
        `${name}-${suffix}`,
        service,
        description,
        grants.map((g) => ({ actions: g.actions, resources: arns(g.on) })),
        parent,
      );

    let machineRole: ServiceRole | undefined;
    if (p.stateMachine && p.stateMachineRole) {
      machineRole = role(
        'state-machine',
        'states.amazonaws.com',
        `${p.name}: runs the task, retries it, sends a failed batch to the DLQ`,
        p.stateMachineRole,
      );
      const dlq = this.queue.deadLetterQueue;
      if (!dlq) throw new Error(`SluicePipeWorker: queue ${p.queue} has no DLQ`);
      const definition = pulumi
        .all([cluster.arn, this.taskDefinition.arn, args.subnets, args.securityGroups, dlq.url])
        .apply(([clusterArn, taskDefinitionArn, subnets, securityGroups, deadLetterQueueUrl]) =>
          JSON.stringify(
            batchStateMachine(p, {
              clusterArn,
              taskDefinitionArn,
              subnets,
              securityGroups,
              assignPublicIp: p.task.assignPublicIp,
              deadLetterQueueUrl,
            }),
          ),
        );
      this.stateMachine = new aws.sfn.StateMachine(
        name,
        { region, name: p.name, type: 'STANDARD', roleArn: machineRole.role.arn, definition },
        { ...parent, dependsOn: [machineRole.policy] },
      );
    }
    this.stateMachineRole = machineRole?.role;

    const pipeRole = role(
      'pipe',
      'pipes.amazonaws.com',
      `${p.name}: reads ${p.queue}, starts the ${p.stateMachine ? 'state machine' : 'task'}`,
      p.pipeRole,
    );
    this.pipeRole = pipeRole.role;
    this.pipe = new aws.pipes.Pipe(
      name,
      {
        region,
        name: p.name,
        roleArn: this.pipeRole.arn,
        source: this.queue.queue.arn,
        sourceParameters: {
          sqsQueueParameters: { batchSize: p.batchSize, maximumBatchingWindowInSeconds: p.windowSeconds },
        },
        ...(this.stateMachine
          ? {
              target: this.stateMachine.arn,
              targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'FIRE_AND_FORGET' } },
            }
          : {
              target: cluster.arn,
              targetParameters: {
                ecsTaskParameters: {
                  taskDefinitionArn: this.taskDefinition.arn,
                  taskCount: 1,
                  capacityProviderStrategies: p.task.capacity.map((c) => ({
                    capacityProvider: c.capacityProvider,
                    base: c.base,
                    weight: c.weight,
                  })),
                  networkConfiguration: {
                    awsVpcConfiguration: {
                      subnets: args.subnets,
                      securityGroups: args.securityGroups,
                      assignPublicIp: p.task.assignPublicIp ? 'ENABLED' : 'DISABLED',
                    },
                  },
                  overrides: {
                    containerOverrides: [
                      {
                        name: p.task.containerName,
                        environments: [{ name: p.body.variable, value: p.body.from }],
                      },
                    ],
                  },
                },
              },
            }),
      },
      // Pipes checks its role when the pipe is made: the policy first.
      { ...parent, dependsOn: [...ready, pipeRole.policy] },
    );
    this.registerOutputs({ pipeName: this.pipe.name, stateMachineArn: this.stateMachine?.arn });
  }
}
