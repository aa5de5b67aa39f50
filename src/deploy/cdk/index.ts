/**
 * `sluice/cdk`: AWS CDK constructs for a sluice config, each a thin layer
 * over the AWS model (src/deploy/aws/), so every number comes from the
 * config and its scale policy. Needs the peer dependencies aws-cdk-lib (v2)
 * and constructs; `sluice` itself never loads them.
 *
 * @example
 * import { App, Stack } from 'aws-cdk-lib';
 * import { loadAwsModel, SluiceWorkerService } from 'sluice/cdk';
 * const app = new App();
 * const stack = new Stack(app, 'Workers');
 * new SluiceWorkerService(stack, 'Workers', { model: await loadAwsModel('sluice.config.ts', { profile: 'prod' }) });
 */
export { type LoadAwsModelOptions, loadAwsModel } from '../aws/load.ts';
export { type AwsModel, awsModel } from '../aws/model.ts';
export { cdkMetric, type ServiceDimensions, targetTrackingMetrics } from './metrics.ts';
export { SluicePipeWorker, type SluicePipeWorkerProps } from './pipe.ts';
export { SluiceQueue, type SluiceQueueProps, sluiceQueues } from './queue.ts';
export { SluiceScaling, type SluiceScalingProps } from './scaling.ts';
export { SluiceWorkerService, type SluiceWorkerServiceProps } from './service.ts';
