/**
 * IAM roles and ARNs shared by the workers service and the pipes: a role a
 * service assumes with one inline policy of the statements given, and the
 * ARNs derived from the cluster's (its tasks, Step Functions' rule for
 * `.sync` tasks), so no lookup of the account or partition is needed.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface Statement {
  readonly actions: readonly string[];
  readonly resources: pulumi.Input<pulumi.Input<string>[]>;
}

const document = (statements: readonly Statement[]) =>
  pulumi.jsonStringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Effect: 'Allow', Action: [...s.actions], Resource: s.resources })),
  });

/**
 * A role `service` (`ecs-tasks.amazonaws.com`, `pipes.amazonaws.com`, …) assumes, allowed nothing yet.
 *
 * @example
 * assumedBy('renders-task', 'ecs-tasks.amazonaws.com', "renders: the pipe's task", { parent: this });
 */
export function assumedBy(
  name: string,
  service: string,
  description: string,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  return new aws.iam.Role(
    name,
    {
      description,
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
      }),
    },
    opts,
  );
}

export interface ServiceRole {
  readonly role: aws.iam.Role;
  /** Its statements; what uses the role waits for it (a pipe checks its role when it is made). */
  readonly policy: aws.iam.RolePolicy;
}

/**
 * A role `service` assumes, allowed exactly `statements` (one inline policy).
 *
 * @example
 * serviceRole('workers-task', 'ecs-tasks.amazonaws.com', 'the SQS actions sluice start calls', statements, { parent: this });
 */
export function serviceRole(
  name: string,
  service: string,
  description: string,
  statements: readonly Statement[],
  opts: pulumi.CustomResourceOptions,
): ServiceRole {
  const role = assumedBy(name, service, description, opts);
  const policy = new aws.iam.RolePolicy(
    name,
    { role: role.id, policy: document(statements) },
    { ...opts, parent: role },
  );
  return { role, policy };
}

/** arn:<partition>:ecs:<region>:<account>:cluster/<name> → the same ARN for `resource` in `service`. */
function fromCluster(clusterArn: pulumi.Input<string>, service: string, resource: string) {
  return pulumi.output(clusterArn).apply((arn) => {
    const [prefix, partition, , region, account] = arn.split(':');
    if (prefix !== 'arn' || account === undefined) throw new Error(`not a cluster ARN: ${arn}`);
    return `arn:${partition}:${service}:${region}:${account}:${resource}`;
  });
}

/**
 * `arn:…:ecs:<region>:<account>:task/<cluster>/*`: the cluster's tasks.
 *
 * @example
 * clusterTasksArn(cluster.arn, cluster.name); // arn:aws:ecs:us-east-1:123456789012:task/workers/*
 */
export function clusterTasksArn(
  clusterArn: pulumi.Input<string>,
  clusterName: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi
    .all([clusterArn, clusterName])
    .apply(([arn, name]) => fromCluster(arn, 'ecs', `task/${name}/*`));
}

/** The rule Step Functions manages for `.sync` ECS tasks, in the cluster's account and region. */
export function ecsSyncRuleArn(clusterArn: pulumi.Input<string>): pulumi.Output<string> {
  return fromCluster(clusterArn, 'events', 'rule/StepFunctionsGetEventsForECSTaskRule');
}
