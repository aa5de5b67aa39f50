/**
 * Where the tasks run: a cluster given (anything with an ARN and a name, an
 * `aws.ecs.Cluster` for one), or one made here with Container Insights on
 * (scaling and the dashboard read its RunningTaskCount) and the Fargate
 * capacity providers the model's strategies name.
 */
import * as aws from '@pulumi/aws';
import type * as pulumi from '@pulumi/pulumi';

/** An ECS cluster, by ARN and name: `aws.ecs.Cluster` is one. */
export interface SluiceCluster {
  readonly arn: pulumi.Input<string>;
  readonly name: pulumi.Input<string>;
}

export interface ClusterOf {
  readonly cluster: SluiceCluster;
  /** What a service or pipe must wait for (the capacity providers of a cluster made here). */
  readonly ready: readonly pulumi.Resource[];
}

/**
 * The cluster given, or a new one with Container Insights and FARGATE / FARGATE_SPOT.
 *
 * @example
 * const { cluster, ready } = clusterOf(args.cluster, 'workers', model.region, { parent: this });
 */
export function clusterOf(
  given: SluiceCluster | undefined,
  name: string,
  region: string,
  opts: pulumi.CustomResourceOptions,
): ClusterOf {
  if (given) return { cluster: given, ready: [] };
  const cluster = new aws.ecs.Cluster(
    `${name}-cluster`,
    { region, settings: [{ name: 'containerInsights', value: 'enabled' }] },
    opts,
  );
  const providers = new aws.ecs.ClusterCapacityProviders(
    `${name}-capacity`,
    { region, clusterName: cluster.name, capacityProviders: ['FARGATE', 'FARGATE_SPOT'] },
    opts,
  );
  return { cluster, ready: [providers] };
}
