/**
 * service.tf.json: the workers on Fargate as the model has them: the task
 * definition (the image running `sluice start <config>`, the container
 * health check on /health, the stop timeout, the environment), the task role
 * with only the model's grants, the log group, and the service: no load
 * balancer, the capacity providers (FARGATE_SPOT with an on-demand base),
 * the circuit breaker rolling back, ECS Exec off. The desired count is
 * Application Auto Scaling's (scaling.tf.json) once the service exists.
 */
import type { AwsModel } from '../aws/model.ts';
import type { AwsService } from '../aws/service.ts';
import { inlinePolicy, role, type Statement } from './iam.ts';
import { sameRegion } from './main.ts';
import { CLUSTER, EXECUTION_ROLE, local, type QueueLabels, SERVICE, variable } from './names.ts';
import { type Expr, jsonDocument, ref, type Value } from './template.ts';

/** The awslogs driver writing to a log group of this module. */
export function awsLogs(group: string, streamPrefix: string): Value {
  return {
    logDriver: 'awslogs',
    options: {
      'awslogs-group': ref(`aws_cloudwatch_log_group.${group}.name`),
      'awslogs-region': local.region,
      'awslogs-stream-prefix': streamPrefix,
    },
  };
}

export const environment = (env: Readonly<Record<string, string>>): Value[] =>
  Object.entries(env).map(([name, value]) => ({ name, value }));

/** The task role's statements: the model's queue grants, each on its queues' ARNs, and task protection. */
function taskRoleStatements(service: AwsService, queues: QueueLabels): Statement[] {
  return [
    ...service.taskRole.queueGrants.map((g) => ({
      actions: g.actions,
      resources: g.queues.map((q) => queues.attr(q, 'arn')),
    })),
    {
      sid: 'TaskScaleInProtection',
      actions: service.taskRole.taskProtectionActions,
      resources: [local.clusterTasks],
    },
  ];
}

export function capacityStrategy(service: Pick<AwsService, 'capacity'>): Value[] {
  return service.capacity.map((c) => ({
    capacity_provider: c.capacityProvider,
    base: c.base,
    weight: c.weight,
  }));
}

export function serviceFile(
  model: AwsModel,
  service: AwsService,
  queues: QueueLabels,
): Record<string, Value> {
  const image: Expr = variable.image;
  const container = {
    name: service.containerName,
    image,
    essential: true,
    command: [...service.command],
    environment: environment(service.env),
    healthCheck: {
      command: [...service.healthCheck.command],
      interval: service.healthCheck.intervalSeconds,
      timeout: service.healthCheck.timeoutSeconds,
      retries: service.healthCheck.retries,
      startPeriod: service.healthCheck.startPeriodSeconds,
    },
    stopTimeout: service.stopTimeoutSeconds,
    logConfiguration: awsLogs(SERVICE, service.containerName),
  };
  return {
    resource: {
      aws_cloudwatch_log_group: {
        [SERVICE]: { name: `/ecs/${service.name}`, retention_in_days: service.logRetentionDays },
      },
      aws_iam_role: {
        [SERVICE]: role(
          model.name,
          'task',
          `${service.name}: what the workers call, on their queues only`,
          'ecs-tasks',
        ),
      },
      aws_iam_role_policy: {
        [SERVICE]: inlinePolicy(SERVICE, 'queues', taskRoleStatements(service, queues)),
      },
      aws_ecs_task_definition: {
        [SERVICE]: {
          family: service.name,
          requires_compatibilities: ['FARGATE'],
          network_mode: 'awsvpc',
          cpu: String(service.size.cpuUnits),
          memory: String(service.size.memoryMiB),
          execution_role_arn: ref(`aws_iam_role.${EXECUTION_ROLE}.arn`),
          task_role_arn: ref(`aws_iam_role.${SERVICE}.arn`),
          container_definitions: jsonDocument([container]),
        },
      },
      aws_ecs_service: {
        [SERVICE]: {
          name: service.name,
          cluster: local.clusterArn,
          task_definition: ref(`aws_ecs_task_definition.${SERVICE}.arn`),
          desired_count: model.scaling?.minTasks,
          capacity_provider_strategy: capacityStrategy(service),
          network_configuration: {
            subnets: variable.subnets,
            security_groups: variable.securityGroups,
            assign_public_ip: service.assignPublicIp,
          },
          deployment_circuit_breaker: {
            enable: service.deployment.circuitBreaker.enable,
            rollback: service.deployment.circuitBreaker.rollback,
          },
          deployment_minimum_healthy_percent: service.deployment.minHealthyPercent,
          deployment_maximum_percent: service.deployment.maxHealthyPercent,
          enable_execute_command: service.enableExecuteCommand,
          propagate_tags: 'SERVICE',
          lifecycle: { ignore_changes: ['desired_count'], precondition: [sameRegion(model)] },
          depends_on: [`aws_ecs_cluster_capacity_providers.${CLUSTER}`, `aws_iam_role_policy.${SERVICE}`],
        },
      },
    },
  };
}
