/**
 * `SluiceWorkerService`: the model's workers service on Fargate — the
 * image running `sluice start <config>`, no load balancer, the container
 * health check on /health, the stop timeout, FARGATE_SPOT with an
 * on-demand base, a least-privilege task role, ECS Exec off, the circuit
 * breaker with rollback — with its scaling (SluiceScaling) and dashboard.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import type { Dashboard } from 'aws-cdk-lib/aws-cloudwatch';
import {
  ContainerImage,
  FargateService,
  FargateTaskDefinition,
  type ICluster,
  LogDrivers,
} from 'aws-cdk-lib/aws-ecs';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { AwsModel } from '../aws/model.ts';
import type { AwsService } from '../aws/service.ts';
import { sluiceDashboard } from './dashboard.ts';
import { type SluiceQueue, sluiceQueues } from './queue.ts';
import { SluiceScaling } from './scaling.ts';
import {
  acknowledgeClusterTasks,
  clusterFor,
  clusterTasksArn,
  logGroup,
  type SluiceComputeProps,
  separatePolicy,
  taskRole,
} from './tasks.ts';

export interface SluiceWorkerServiceProps extends SluiceComputeProps {
  /** The model (`loadAwsModel`). */
  readonly model: AwsModel;
  /** The queues, by name (`sluiceQueues`); default: made here, one SluiceQueue each. */
  readonly queues?: Readonly<Record<string, SluiceQueue>>;
}

/** Reasons for the AwsSolutions rules this construct answers by design. */
const ACKNOWLEDGED = {
  env: 'The environment holds the WORKER_* settings, the region and the profile: no secret (secrets belong in the handlers’ own secret store).',
  taskProtection:
    'ECS task scale-in protection is per task: the agent calls UpdateTaskProtection on the task running it, whose id is not known in advance; the ARN is limited to this cluster’s tasks.',
};

/**
 * The workers service of a config, as the model says.
 *
 * @example
 * const model = await loadAwsModel('sluice.config.ts', { profile: 'prod' });
 * const workers = new SluiceWorkerService(stack, 'Workers', { model, vpc });
 * workers.scaling.alarms; // the age and scale-in alarms
 */
export class SluiceWorkerService extends Construct {
  readonly model: AwsService;
  readonly cluster: ICluster;
  readonly queues: Readonly<Record<string, SluiceQueue>>;
  readonly taskDefinition: FargateTaskDefinition;
  readonly taskRole: Role;
  readonly service: FargateService;
  readonly scaling: SluiceScaling;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: SluiceWorkerServiceProps) {
    super(scope, id);
    const { model } = props;
    const service = model.service;
    const scaling = model.scaling;
    if (!service || !scaling || !model.dashboard)
      throw new Error('SluiceWorkerService: the config declares no worker (see SluicePipeWorker for pipes)');
    this.model = service;
    this.queues = props.queues ?? sluiceQueues(this, model);
    const cluster = clusterFor(this, props);
    this.cluster = cluster;

    this.taskRole = taskRole(
      this,
      'TaskRole',
      `${service.name}: the SQS actions sluice start calls, on its queues`,
    );
    const arnOf = (name: string) => {
      for (const q of Object.values(this.queues)) {
        const found = q.byName(name);
        if (found) return found.queueArn;
      }
      throw new Error(`SluiceWorkerService: no SluiceQueue for queue "${name}" among props.queues`);
    };
    for (const grant of service.taskRole.queueGrants)
      this.taskRole.addToPrincipalPolicy(
        new PolicyStatement({ actions: [...grant.actions], resources: grant.queues.map(arnOf) }),
      );
    const protection = separatePolicy(
      this,
      'TaskProtection',
      this.taskRole,
      new PolicyStatement({
        actions: [...service.taskRole.taskProtectionActions],
        resources: [clusterTasksArn(this, cluster)],
      }),
    );
    acknowledgeClusterTasks(protection, cluster, ACKNOWLEDGED.taskProtection);

    this.taskDefinition = new FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: service.size.cpuUnits,
      memoryLimitMiB: service.size.memoryMiB,
      taskRole: this.taskRole,
    });
    this.taskDefinition.addContainer(service.containerName, {
      image: props.image ?? ContainerImage.fromRegistry(service.image),
      command: [...service.command],
      environment: { ...service.env },
      healthCheck: {
        command: [...service.healthCheck.command],
        interval: Duration.seconds(service.healthCheck.intervalSeconds),
        timeout: Duration.seconds(service.healthCheck.timeoutSeconds),
        retries: service.healthCheck.retries,
        startPeriod: Duration.seconds(service.healthCheck.startPeriodSeconds),
      },
      stopTimeout: Duration.seconds(service.stopTimeoutSeconds),
      logging: LogDrivers.awsLogs({
        streamPrefix: service.name,
        logGroup: logGroup(this, 'Logs', service.logRetentionDays),
      }),
    });
    Validations.of(this.taskDefinition).acknowledge({ id: 'AwsSolutions-ECS2', reason: ACKNOWLEDGED.env });

    this.service = new FargateService(this, 'Service', {
      cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: scaling.minTasks,
      capacityProviderStrategies: service.capacity.map((c) => ({
        capacityProvider: c.capacityProvider,
        base: c.base,
        weight: c.weight,
      })),
      circuitBreaker: { ...service.deployment.circuitBreaker },
      minHealthyPercent: service.deployment.minHealthyPercent,
      maxHealthyPercent: service.deployment.maxHealthyPercent,
      enableExecuteCommand: service.enableExecuteCommand,
      assignPublicIp: service.assignPublicIp,
      ...(props.vpcSubnets ? { vpcSubnets: props.vpcSubnets } : {}),
      ...(props.securityGroups ? { securityGroups: props.securityGroups } : {}),
    });
    const dimensions = { clusterName: cluster.clusterName, serviceName: this.service.serviceName };
    this.scaling = new SluiceScaling(this, 'Scaling', { scaling, service: dimensions, name: service.name });
    this.dashboard = sluiceDashboard(this, 'Dashboard', model.dashboard, dimensions);
  }
}
