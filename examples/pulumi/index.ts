/**
 * The reference system on AWS, as a Pulumi program: its workers service
 * (the seeds' scaling, alarms and dashboard, from ../reference through
 * sluice.config.ts) and the zero-scale pipes of ../aws/pipes.config.ts, in
 * the subnets the stack's config names and one cluster. The stack's name is
 * the config's profile.
 *
 *   pulumi stack init prod
 *   pulumi config set vpcId vpc-…
 *   pulumi config set --path 'subnets[0]' subnet-…    # private, with a NAT gateway or an SQS endpoint
 *   pulumi up
 *
 * `npm test` runs it under Pulumi's runtime mocks (test/deploy/pulumi/example.test.ts);
 * the README's "AWS with Pulumi" shows it, block by block.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { loadAwsModel, SluicePipeWorker, SluiceWorkerService } from 'sluice/pulumi';

// The stack is the profile: `pulumi stack init prod` deploys the config's prod numbers.
const model = await loadAwsModel('sluice.config.ts', { profile: pulumi.getStack() });
const config = new pulumi.Config();
const subnets = config.requireObject<string[]>('subnets');
const tasks = new aws.ec2.SecurityGroup('tasks', {
  vpcId: config.require('vpcId'),
  description: 'sluice tasks: outbound only',
  egress: [{ protocol: '-1', fromPort: 0, toPort: 0, cidrBlocks: ['0.0.0.0/0'] }],
});
const alerts = new aws.sns.Topic('alerts');

const workers = new SluiceWorkerService('workers', {
  model,
  subnets,
  securityGroups: [tasks.id],
  alarmActions: [alerts.arn], // the queues' alarms; the scaling alarms drive the policies
});
export const dashboard = workers.dashboard.dashboardName;

// Zero-scale pipes: nothing runs while their queues are empty.
const jobs = await loadAwsModel('pipes.config.ts');
const pipes = jobs.pipes.map(
  (p) =>
    new SluicePipeWorker(p.queue, {
      model: jobs,
      pipe: p.name,
      subnets,
      securityGroups: [tasks.id],
      cluster: workers.cluster,
    }),
);
export const pipeNames = pipes.map((p) => p.pipe.name);
