/**
 * main.tf.json and variables.tf.json: the provider requirement, the
 * variables (the image, the tasks' subnets and security groups, the
 * cluster, the alarms' actions), the cluster, and the locals every file
 * reads from the cluster's ARN (its name, region, account and partition:
 * no data source, so the same module reads the same on provider v5 and v6).
 *
 * The cluster: var.cluster_arn names one to run in; null (the default)
 * makes one named deploy.name, with Container Insights (the scaling and
 * the dashboard read RunningTaskCount from it) and the capacity providers
 * the model uses.
 */
import type { AwsModel } from '../aws/model.ts';
import { inlinePolicy, role } from './iam.ts';
import { CLUSTER, EXECUTION_ROLE } from './names.ts';
import { ref, type Template, tpl, type Value } from './template.ts';

/** Terraform 1.2 brought lifecycle preconditions. (Error messages are sentences, as Terraform 1.0 and 1.1 insist.) */
export const REQUIRED_VERSION = '>= 1.2.0';
/**
 * v5 and v6 share every argument used here. Metric math in target tracking
 * (hashicorp/terraform-provider-aws#30172) and a working Pipes → ECS target
 * (#32432) came in 2023's 5.x releases; 5.30 (December 2023) has both.
 */
export const PROVIDER_VERSION = '>= 5.30.0, < 7.0.0';

const MAKE_CLUSTER = ref('var.cluster_arn == null ? 1 : 0');

export interface MainInputs {
  readonly model: AwsModel;
  /** The image var.image defaults to: the service's, else the first pipe's. */
  readonly image: string;
  /** The capacity providers the service and the pipes use. */
  readonly capacityProviders: readonly string[];
  /** The log groups the tasks write to (the execution role may write there). */
  readonly logGroups: readonly Template[];
}

export function variablesFile({ model, image }: MainInputs): Record<string, Value> {
  return {
    variable: {
      image: {
        type: 'string',
        default: image,
        description: `The image the tasks run (deploy.image: sluice's, or yours FROM it; its entrypoint is sluice)${model.pipes.some((p) => p.task.image !== image) ? '; a pipe with an image of its own keeps it' : ''}`,
      },
      subnets: {
        type: 'list(string)',
        description:
          'Subnets the tasks run in: private subnets with a route to SQS, ECR and CloudWatch Logs (a NAT gateway or VPC endpoints)',
        validation: [
          { condition: ref('length(var.subnets) > 0'), error_message: 'Give at least one subnet.' },
        ],
      },
      security_groups: {
        type: 'list(string)',
        description: 'Security groups of the tasks: outbound HTTPS is all a worker needs (nothing calls it)',
      },
      cluster_arn: {
        type: 'string',
        default: null,
        description:
          'An ECS cluster to run in, with Container Insights and the FARGATE and FARGATE_SPOT capacity providers; null: one is made. Known at plan time (a literal, or data.aws_ecs_cluster): it decides whether the cluster is made',
        validation: [
          {
            condition: ref(
              'var.cluster_arn == null || can(regex("^arn:[^:]+:ecs:[^:]+:[0-9]{12}:cluster/.+$", var.cluster_arn))',
            ),
            error_message:
              'The cluster_arn must be an ECS cluster ARN: arn:aws:ecs:<region>:<account>:cluster/<name>.',
          },
        ],
      },
      alarm_actions: {
        type: 'list(string)',
        default: [],
        description: "What the queues' alarms notify: ARNs such as an SNS topic's",
      },
    },
  };
}

export function mainFile({ model, capacityProviders, logGroups }: MainInputs): Record<string, Value> {
  return {
    terraform: {
      required_version: REQUIRED_VERSION,
      required_providers: { aws: { source: 'hashicorp/aws', version: PROVIDER_VERSION } },
    },
    locals: {
      cluster_arn: ref(`var.cluster_arn != null ? var.cluster_arn : one(aws_ecs_cluster.${CLUSTER}[*].arn)`),
      cluster_name: ref(
        `var.cluster_arn != null ? element(split("/", var.cluster_arn), 1) : one(aws_ecs_cluster.${CLUSTER}[*].name)`,
      ),
      cluster_tasks_arn: tpl`${ref('replace(local.cluster_arn, ":cluster/", ":task/")')}/*`,
      partition: ref('split(":", local.cluster_arn)[1]'),
      region: ref('split(":", local.cluster_arn)[3]'),
      account_id: ref('split(":", local.cluster_arn)[4]'),
    },
    resource: {
      aws_ecs_cluster: {
        [CLUSTER]: {
          count: MAKE_CLUSTER,
          name: model.name,
          setting: [{ name: 'containerInsights', value: 'enabled' }],
        },
      },
      aws_ecs_cluster_capacity_providers: {
        [CLUSTER]: {
          count: MAKE_CLUSTER,
          cluster_name: ref(`aws_ecs_cluster.${CLUSTER}[count.index].name`),
          capacity_providers: [...capacityProviders],
        },
      },
      aws_iam_role: {
        [EXECUTION_ROLE]: role(
          model.name,
          EXECUTION_ROLE,
          'ECS pulls the image and writes the logs with it',
          'ecs-tasks',
        ),
      },
      aws_iam_role_policy: {
        [EXECUTION_ROLE]: inlinePolicy(EXECUTION_ROLE, 'pull-image-write-logs', [
          { sid: 'Logs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: logGroups },
          {
            sid: 'PullFromEcr',
            actions: [
              'ecr:BatchCheckLayerAvailability',
              'ecr:BatchGetImage',
              'ecr:GetAuthorizationToken',
              'ecr:GetDownloadUrlForLayer',
            ],
            resources: ['*'],
          },
        ]),
      },
    },
  };
}

/** The model's region is where the workers look for their queues: the provider must create them there. */
export function sameRegion(model: AwsModel): Value {
  return {
    condition: ref(`local.region == "${model.region}"`),
    error_message: `The cluster is in another region than deploy.region (${model.region}), where the tasks look for their queues: run with the provider in ${model.region}, or change deploy.region.`,
  };
}

/** A log group's streams, for the execution role. */
export const logStreams = (group: string): Template => tpl`${ref(`aws_cloudwatch_log_group.${group}.arn`)}:*`;
