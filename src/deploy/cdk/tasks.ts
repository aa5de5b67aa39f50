/** What the workers service and the pipes share: where tasks run, their roles, their logs. */
import { type CfnElement, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { Cluster, type ContainerImage, ContainerInsights, type ICluster } from 'aws-cdk-lib/aws-ecs';
import { Policy, type PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** Where a construct's tasks run, and what they run. */
export interface SluiceComputeProps {
  /** A cluster with Container Insights on (scaling reads its RunningTaskCount); default: one made here in `vpc`. */
  readonly cluster?: ICluster;
  /** For the cluster made here; default: a new VPC. */
  readonly vpc?: IVpc;
  readonly vpcSubnets?: SubnetSelection;
  readonly securityGroups?: ISecurityGroup[];
  /** Over the model's image (e.g. `ContainerImage.fromEcrRepository(…)`). */
  readonly image?: ContainerImage;
}

/**
 * The given cluster (its Fargate capacity providers enabled, where CDK can), or a new one with
 * Container Insights and the Fargate capacity providers.
 */
export function clusterFor(scope: Construct, props: SluiceComputeProps): ICluster {
  if (props.cluster instanceof Cluster) props.cluster.enableFargateCapacityProviders();
  return (
    props.cluster ??
    new Cluster(scope, 'Cluster', {
      ...(props.vpc ? { vpc: props.vpc } : {}),
      containerInsightsV2: ContainerInsights.ENABLED,
      enableFargateCapacityProviders: true,
    })
  );
}

/** `arn:…:ecs:<region>:<account>:task/<cluster>/*`: the cluster's tasks. */
export function clusterTasksArn(scope: Construct, cluster: ICluster): string {
  return Stack.of(scope).formatArn({
    service: 'ecs',
    resource: 'task',
    resourceName: `${cluster.clusterName}/*`,
  });
}

/**
 * Acknowledges cdk-nag's AwsSolutions-IAM5 finding for `clusterTasksArn` on `policy`, and only
 * that finding, written as cdk-nag writes it (a reference as `<LogicalId>`).
 */
export function acknowledgeClusterTasks(policy: Policy, cluster: ICluster, reason: string): void {
  const name = Token.isUnresolved(cluster.clusterName)
    ? `<${Stack.of(cluster).getLogicalId(cluster.node.defaultChild as CfnElement)}>`
    : cluster.clusterName;
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/${name}/*]`,
    reason,
  });
}

/** A role ECS tasks assume, with nothing granted yet. */
export function taskRole(scope: Construct, id: string, description: string): Role {
  return new Role(scope, id, { assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com'), description });
}

/** A statement in a policy of its own, so an acknowledgment on it covers that statement only. */
export function separatePolicy(scope: Construct, id: string, role: Role, statement: PolicyStatement): Policy {
  const policy = new Policy(scope, id, { statements: [statement] });
  policy.attachToRole(role);
  return policy;
}

/** The container logs, kept for the model's days. */
export function logGroup(scope: Construct, id: string, retentionDays: number): LogGroup {
  return new LogGroup(scope, id, { retention: retentionDays, removalPolicy: RemovalPolicy.RETAIN });
}
