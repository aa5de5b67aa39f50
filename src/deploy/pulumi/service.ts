/**
 * `SluiceWorkerService`: the model's workers service on Fargate — the image
 * running `sluice start <config>`, no load balancer, the container health
 * check on /health at the health port, the stop timeout, FARGATE_SPOT with
 * an on-demand base, the least-privilege task role, ECS Exec off, the
 * circuit breaker with rollback — with its scaling and dashboard.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsModel } from '../aws/model.ts';
import type { AwsService } from '../aws/service.ts';
import { clusterOf, type SluiceCluster } from './cluster.ts';
import { sluiceDashboard } from './dashboard.ts';
import type { ServiceDimensions } from './metrics.ts';
import { type SluiceQueue, sluiceQueues } from './queue.ts';
import { clusterTasksArn, type Statement, serviceRole } from './roles.ts';
import { type SluiceScaling, sluiceScaling } from './scaling.ts';
import { fargateTask } from './task.ts';

export interface SluiceWorkerServiceArgs {
  /** The model (`loadAwsModel`). */
  readonly model: AwsModel;
  /** The tasks' subnets (private, with a route to SQS: a NAT gateway or an SQS VPC endpoint). */
  readonly subnets: pulumi.Input<pulumi.Input<string>[]>;
  /** The tasks' security groups; they need outbound HTTPS only (nothing calls a worker). */
  readonly securityGroups: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * A cluster with Container Insights on (scaling reads its RunningTaskCount) and the
   * FARGATE and FARGATE_SPOT capacity providers; default: one made here.
   */
  readonly cluster?: SluiceCluster;
  /** The queues, by name (`sluiceQueues`); default: made here, one SluiceQueue each. */
  readonly queues?: Readonly<Record<string, SluiceQueue>>;
  /** Over the model's image (e.g. an ECR repository's URL with a tag). */
  readonly image?: pulumi.Input<string>;
  /** What the queues' alarms do, for the queues made here (an SNS topic's ARN). */
  readonly alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * The workers service of a config, as the model says.
 *
 * @example
 * const model = await loadAwsModel('sluice.config.ts', { profile: pulumi.getStack() });
 * const workers = new SluiceWorkerService('workers', { model, subnets, securityGroups: [group.id] });
 * export const dashboard = workers.dashboard.dashboardName;
 */
export class SluiceWorkerService extends pulumi.ComponentResource {
  readonly model: AwsService;
  readonly cluster: SluiceCluster;
  readonly queues: Readonly<Record<string, SluiceQueue>>;
  readonly taskRole: aws.iam.Role;
  readonly executionRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly service: aws.ecs.Service;
  readonly scaling: SluiceScaling;
  readonly dashboard: aws.cloudwatch.Dashboard;

  constructor(name: string, args: SluiceWorkerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('sluice:aws:SluiceWorkerService', name, {}, opts);
    const { model } = args;
    const service = model.service;
    const scaling = model.scaling;
    if (!service || !scaling || !model.dashboard)
      throw new Error('SluiceWorkerService: the config declares no worker (see SluicePipeWorker for pipes)');
    this.model = service;
    const { region } = model;
    const parent = { parent: this };
    this.queues =
      args.queues ??
      sluiceQueues(
        model,
        {
          prefix: `${name}-`,
          ...(args.alarmActions === undefined ? {} : { alarmActions: args.alarmActions }),
        },
        parent,
      );
    const { cluster, ready } = clusterOf(args.cluster, name, region, parent);
    this.cluster = cluster;

    const arnOf = (queue: string) => {
      for (const q of Object.values(this.queues)) {
        const found = q.byName(queue);
        if (found) return found.arn;
      }
      throw new Error(`SluiceWorkerService: no SluiceQueue for queue "${queue}" among args.queues`);
    };
    const statements: Statement[] = [
      ...service.taskRole.queueGrants.map((g) => ({ actions: g.actions, resources: g.queues.map(arnOf) })),
      // The agent protects the task running it from scale-in; its id is known only then.
      {
        actions: service.taskRole.taskProtectionActions,
        resources: [clusterTasksArn(cluster.arn, cluster.name)],
      },
    ];
    const taskRole = serviceRole(
      `${name}-task`,
      'ecs-tasks.amazonaws.com',
      `${service.name}: the SQS actions sluice start calls, on its queues`,
      statements,
      parent,
    );
    this.taskRole = taskRole.role;
    const task = fargateTask(
      name,
      {
        family: service.name,
        region,
        size: service.size,
        taskRole: this.taskRole,
        logRetentionDays: service.logRetentionDays,
        container: {
          name: service.containerName,
          image: args.image ?? service.image,
          command: service.command,
          env: service.env,
          healthCheck: service.healthCheck,
          stopTimeoutSeconds: service.stopTimeoutSeconds,
        },
      },
      parent,
    );
    this.executionRole = task.executionRole;
    this.logGroup = task.logGroup;
    this.taskDefinition = task.taskDefinition;

    this.service = new aws.ecs.Service(
      name,
      {
        region,
        name: service.name,
        cluster: cluster.arn,
        taskDefinition: this.taskDefinition.arn,
        desiredCount: scaling.minTasks,
        capacityProviderStrategies: service.capacity.map((c) => ({
          capacityProvider: c.capacityProvider,
          base: c.base,
          weight: c.weight,
        })),
        deploymentCircuitBreaker: { ...service.deployment.circuitBreaker },
        deploymentMinimumHealthyPercent: service.deployment.minHealthyPercent,
        deploymentMaximumPercent: service.deployment.maxHealthyPercent,
        enableExecuteCommand: service.enableExecuteCommand,
        networkConfiguration: {
          subnets: args.subnets,
          securityGroups: args.securityGroups,
          assignPublicIp: service.assignPublicIp,
        },
      },
      // Application Auto Scaling owns the desired count once the service runs.
      // Its tasks call SQS as soon as they start: the task role's policy first.
      { ...parent, dependsOn: [...ready, taskRole.policy], ignoreChanges: ['desiredCount'] },
    );
    const dimensions: ServiceDimensions = { clusterName: cluster.name, serviceName: this.service.name };
    this.scaling = sluiceScaling(name, { label: service.name, scaling, service: dimensions, region }, parent);
    this.dashboard = sluiceDashboard(name, model.dashboard, dimensions, region, parent);
    this.registerOutputs({ serviceName: this.service.name, dashboardName: this.dashboard.dashboardName });
  }
}
