/**
 * `SluicePipeWorker`: a zero-scale pipe of the model. Per message, an
 * EventBridge pipe starts one Fargate (Spot) task per message with the body
 * in SQS_BODY; per batch, the pipe starts a Step Functions execution that
 * runs the task (`ecs:runTask.sync`) with the batch in SQS_BODY, retries it
 * and sends a batch that keeps failing to the DLQ (src/deploy/aws/pipe.ts).
 * CDK has no Pipes → ECS target yet (aws-cdk PR #37094): CfnPipe.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import { SecurityGroup } from 'aws-cdk-lib/aws-ec2';
import { ContainerImage, FargateTaskDefinition, type ICluster, LogDrivers } from 'aws-cdk-lib/aws-ecs';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { CfnPipe } from 'aws-cdk-lib/aws-pipes';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import type { AwsModel } from '../aws/model.ts';
import type { AwsPipe, PipeGrant, PipeResource } from '../aws/pipe.ts';
import { batchStateMachine } from '../aws/state-machine.ts';
import { SluiceQueue } from './queue.ts';
import {
  acknowledgeClusterTasks,
  clusterFor,
  clusterTasksArn,
  logGroup,
  type SluiceComputeProps,
  separatePolicy,
  taskRole,
} from './tasks.ts';

export interface SluicePipeWorkerProps extends SluiceComputeProps {
  /** The model (`loadAwsModel`). */
  readonly model: AwsModel;
  /** The pipe's name in the model, or its queue's; default: the model's only pipe. */
  readonly pipe?: string;
  /** The pipe's queue; default: a SluiceQueue made here. */
  readonly queue?: SluiceQueue;
}

const ACKNOWLEDGED = {
  env: 'The environment holds the region and the pipe’s settings: no secret.',
  tracingAndLogs:
    'X-Ray tracing and the delivery of the state machine’s logs to CloudWatch Logs take no resource-level permissions (CDK grants them on *).',
  syncTasks:
    'Step Functions’ ecs:runTask.sync stops and describes the task it started, whose id is not known in advance; the ARN is limited to this cluster’s tasks.',
};

/**
 * A zero-scale pipe: nothing runs while its queue is empty.
 *
 * @example
 * const model = await loadAwsModel('pipe.config.ts');
 * new SluicePipeWorker(stack, 'Renders', { model, vpc });
 */
export class SluicePipeWorker extends Construct {
  readonly model: AwsPipe;
  readonly queue: SluiceQueue;
  readonly cluster: ICluster;
  readonly taskDefinition: FargateTaskDefinition;
  /** The task's own role: grant it what the command needs. */
  readonly taskRole: Role;
  readonly pipeRole: Role;
  readonly pipe: CfnPipe;
  readonly stateMachine: StateMachine | undefined;

  constructor(scope: Construct, id: string, props: SluicePipeWorkerProps) {
    super(scope, id);
    const pipes = props.model.pipes;
    const p =
      props.pipe === undefined
        ? pipes.length === 1
          ? pipes[0]
          : undefined
        : pipes.find((x) => x.name === props.pipe || x.queue === props.pipe);
    if (!p)
      throw new Error(
        `SluicePipeWorker: ${props.pipe === undefined ? 'name the pipe (props.pipe): the model has' : `no pipe "${props.pipe}" among`} ${pipes.map((x) => x.name).join(', ') || 'no pipes'}`,
      );
    this.model = p;
    this.queue = props.queue ?? new SluiceQueue(this, 'Queue', { model: props.model, queue: p.queue });
    const cluster = clusterFor(this, props);
    this.cluster = cluster;
    const securityGroups = props.securityGroups ?? [
      new SecurityGroup(this, 'Tasks', { vpc: cluster.vpc, description: `${p.name}: tasks (outbound only)` }),
    ];
    const subnets = cluster.vpc.selectSubnets(props.vpcSubnets ?? {}).subnetIds;

    this.taskRole = taskRole(this, 'TaskRole', `${p.name}: the pipe's task`);
    this.taskDefinition = new FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: p.task.size.cpuUnits,
      memoryLimitMiB: p.task.size.memoryMiB,
      taskRole: this.taskRole,
    });
    this.taskDefinition.addContainer(p.task.containerName, {
      image: props.image ?? ContainerImage.fromRegistry(p.task.image),
      command: [...p.task.command],
      environment: { ...p.task.env },
      logging: LogDrivers.awsLogs({
        streamPrefix: p.name,
        logGroup: logGroup(this, 'Logs', p.task.logRetentionDays),
      }),
    });
    Validations.of(this.taskDefinition).acknowledge({ id: 'AwsSolutions-ECS2', reason: ACKNOWLEDGED.env });
    const executionRole = this.taskDefinition.obtainExecutionRole();

    const dlq = this.queue.deadLetterQueue;
    const arns = (on: PipeResource): string[] => {
      switch (on) {
        case 'source-queue':
          return [this.queue.queue.queueArn];
        case 'dead-letter-queue':
          if (!dlq) throw new Error(`SluicePipeWorker: queue ${p.queue} has no DLQ`);
          return [dlq.queueArn];
        case 'task-definition':
          return [this.taskDefinition.taskDefinitionArn];
        case 'task-roles':
          return [this.taskRole.roleArn, executionRole.roleArn];
        case 'cluster-tasks':
          return [clusterTasksArn(this, cluster)];
        case 'ecs-sync-rule':
          return [
            Stack.of(this).formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: 'StepFunctionsGetEventsForECSTaskRule',
            }),
          ];
        case 'state-machine':
          if (!this.stateMachine) throw new Error('SluicePipeWorker: no state machine');
          return [this.stateMachine.stateMachineArn];
      }
    };
    const grantAll = (role: IRole, grants: readonly PipeGrant[], except: PipeResource[] = []) => {
      for (const g of grants)
        if (!except.includes(g.on))
          role.addToPrincipalPolicy(new PolicyStatement({ actions: [...g.actions], resources: arns(g.on) }));
    };

    if (p.stateMachine) {
      const machineRole = new Role(this, 'StateMachineRole', {
        assumedBy: new ServicePrincipal('states.amazonaws.com'),
        description: `${p.name}: runs the task, retries it, sends a failed batch to the DLQ`,
      });
      grantAll(machineRole, p.stateMachineRole ?? [], ['cluster-tasks']);
      const tasks = (p.stateMachineRole ?? []).find((g) => g.on === 'cluster-tasks');
      if (tasks) {
        const policy = separatePolicy(
          this,
          'SyncTasks',
          machineRole,
          new PolicyStatement({ actions: [...tasks.actions], resources: arns('cluster-tasks') }),
        );
        acknowledgeClusterTasks(policy, cluster, ACKNOWLEDGED.syncTasks);
      }
      const definition = batchStateMachine(p, {
        clusterArn: cluster.clusterArn,
        taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
        subnets,
        securityGroups: securityGroups.map((g) => g.securityGroupId),
        assignPublicIp: p.task.assignPublicIp,
        deadLetterQueueUrl: dlq?.queueUrl ?? '',
      });
      this.stateMachine = new StateMachine(this, 'StateMachine', {
        stateMachineType: StateMachineType.STANDARD,
        definitionBody: DefinitionBody.fromString(Stack.of(this).toJsonString(definition)),
        role: machineRole,
        tracingEnabled: true,
        logs: {
          destination: logGroup(this, 'StateMachineLogs', p.task.logRetentionDays),
          level: LogLevel.ALL,
        },
      });
      Validations.of(machineRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: ACKNOWLEDGED.tracingAndLogs,
      });
    }

    this.pipeRole = new Role(this, 'PipeRole', {
      assumedBy: new ServicePrincipal('pipes.amazonaws.com'),
      description: `${p.name}: reads ${p.queue}, starts the ${p.stateMachine ? 'state machine' : 'task'}`,
    });
    grantAll(this.pipeRole, p.pipeRole);
    this.pipe = new CfnPipe(this, 'Pipe', {
      name: p.name,
      roleArn: this.pipeRole.roleArn,
      source: this.queue.queue.queueArn,
      sourceParameters: {
        sqsQueueParameters: { batchSize: p.batchSize, maximumBatchingWindowInSeconds: p.windowSeconds },
      },
      ...(this.stateMachine
        ? {
            target: this.stateMachine.stateMachineArn,
            targetParameters: { stepFunctionStateMachineParameters: { invocationType: 'FIRE_AND_FORGET' } },
          }
        : {
            target: cluster.clusterArn,
            targetParameters: {
              ecsTaskParameters: {
                taskDefinitionArn: this.taskDefinition.taskDefinitionArn,
                taskCount: 1,
                capacityProviderStrategy: p.task.capacity.map((c) => ({
                  capacityProvider: c.capacityProvider,
                  base: c.base,
                  weight: c.weight,
                })),
                networkConfiguration: {
                  awsvpcConfiguration: {
                    subnets,
                    securityGroups: securityGroups.map((g) => g.securityGroupId),
                    assignPublicIp: p.task.assignPublicIp ? 'ENABLED' : 'DISABLED',
                  },
                },
                overrides: {
                  containerOverrides: [
                    {
                      name: p.task.containerName,
                      environment: [{ name: p.body.variable, value: p.body.from }],
                    },
                  ],
                },
              },
            },
          }),
    });
    this.pipe.node.addDependency(this.pipeRole);
  }
}
