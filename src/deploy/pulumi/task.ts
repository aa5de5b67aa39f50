/**
 * A Fargate task definition of one container, as the workers service and
 * the pipes run it: its logs in a log group kept the model's days, an
 * execution role that may only pull the image and write to that group,
 * and the task role given.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { FargateSize } from '../aws/fargate.ts';
import type { AwsService } from '../aws/service.ts';
import { serviceRole } from './roles.ts';

export interface FargateTaskInput {
  /** The task definition's family, the log streams' prefix. */
  readonly family: string;
  readonly region: string;
  readonly size: FargateSize;
  readonly taskRole: aws.iam.Role;
  readonly logRetentionDays: number;
  readonly container: {
    readonly name: string;
    readonly image: pulumi.Input<string>;
    readonly command: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly healthCheck?: AwsService['healthCheck'];
    readonly stopTimeoutSeconds?: number;
  };
}

export interface FargateTask {
  readonly taskDefinition: aws.ecs.TaskDefinition;
  readonly executionRole: aws.iam.Role;
  readonly logGroup: aws.cloudwatch.LogGroup;
}

/**
 * @example
 * const { taskDefinition } = fargateTask('workers', { family: 'workers', region, size, taskRole, logRetentionDays: 30, container }, { parent: this });
 */
export function fargateTask(
  name: string,
  input: FargateTaskInput,
  opts: pulumi.CustomResourceOptions,
): FargateTask {
  const { container: c, region } = input;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-logs`,
    { region, retentionInDays: input.logRetentionDays },
    opts,
  );
  const { role: executionRole, policy } = serviceRole(
    `${name}-execution`,
    'ecs-tasks.amazonaws.com',
    `${input.family}: pulls the image, writes the container's logs`,
    [
      // An image from any ECR repository; the token is account-wide.
      {
        actions: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:GetAuthorizationToken',
          'ecr:GetDownloadUrlForLayer',
        ],
        resources: ['*'],
      },
      {
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [pulumi.interpolate`${logGroup.arn}:*`],
      },
    ],
    opts,
  );
  const containerDefinitions = pulumi.jsonStringify([
    {
      name: c.name,
      image: c.image,
      essential: true,
      command: c.command,
      environment: Object.entries(c.env).map(([n, value]) => ({ name: n, value })),
      ...(c.healthCheck
        ? {
            healthCheck: {
              command: c.healthCheck.command,
              interval: c.healthCheck.intervalSeconds,
              timeout: c.healthCheck.timeoutSeconds,
              retries: c.healthCheck.retries,
              startPeriod: c.healthCheck.startPeriodSeconds,
            },
          }
        : {}),
      ...(c.stopTimeoutSeconds === undefined ? {} : { stopTimeout: c.stopTimeoutSeconds }),
      logConfiguration: {
        logDriver: 'awslogs',
        options: {
          'awslogs-group': logGroup.name,
          'awslogs-region': region,
          'awslogs-stream-prefix': input.family,
        },
      },
    },
  ]);
  const taskDefinition = new aws.ecs.TaskDefinition(
    name,
    {
      region,
      family: input.family,
      cpu: String(input.size.cpuUnits),
      memory: String(input.size.memoryMiB),
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      executionRoleArn: executionRole.arn,
      taskRoleArn: input.taskRole.arn,
      containerDefinitions,
    },
    { ...opts, dependsOn: [policy] },
  );
  return { taskDefinition, executionRole, logGroup };
}
