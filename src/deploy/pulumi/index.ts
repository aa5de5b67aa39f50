/**
 * `sluice/pulumi`: Pulumi ComponentResources for a sluice config, each a
 * thin layer over the AWS model (src/deploy/aws/), so every number comes
 * from the config and its scale policy. Needs the peer dependencies
 * @pulumi/pulumi and @pulumi/aws; `sluice` itself never loads them.
 *
 * @example
 * import * as pulumi from '@pulumi/pulumi';
 * import { loadAwsModel, SluiceWorkerService } from 'sluice/pulumi';
 * const model = await loadAwsModel('sluice.config.ts', { profile: pulumi.getStack() });
 * new SluiceWorkerService('workers', { model, subnets, securityGroups });
 */
export { type LoadAwsModelOptions, loadAwsModel } from '../aws/load.ts';
export { type AwsModel, awsModel } from '../aws/model.ts';
export type { SluiceCluster } from './cluster.ts';
export { dashboardBody } from './dashboard.ts';
export { alarmMetric, type ServiceDimensions, targetTrackingMetrics } from './metrics.ts';
export { SluicePipeWorker, type SluicePipeWorkerArgs } from './pipe.ts';
export { SluiceQueue, type SluiceQueueArgs, sluiceQueues } from './queue.ts';
export type { SluiceScaling } from './scaling.ts';
export { SluiceWorkerService, type SluiceWorkerServiceArgs } from './service.ts';
