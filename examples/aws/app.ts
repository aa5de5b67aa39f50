/**
 * The reference system on AWS, as a CDK app: its workers service (the
 * seeds' scaling, alarms and dashboard, from examples/reference) and two
 * zero-scale pipes (examples/aws/pipes.config.ts), in one VPC and cluster.
 *
 *   SLUICE_ENV=prod npx cdk synth --app 'node --import tsx examples/aws/app.ts'
 *
 * `npm test` synthesizes it in-process (test/deploy/aws/example-app.test.ts)
 * and checks it with cdk-nag's AwsSolutions pack.
 */
import { App, Stack } from 'aws-cdk-lib';
import { FlowLogDestination, SubnetType, Vpc } from 'aws-cdk-lib/aws-ec2';
import { loadAwsModel, SluicePipeWorker, SluiceWorkerService } from 'sluice/cdk';

const here = (file: string) => new URL(file, import.meta.url).pathname;

export interface ReferenceAppOptions {
  /** dev or prod (default SLUICE_ENV, else the base: dev's numbers). */
  readonly profile?: string | undefined;
  readonly app?: App;
}

/**
 * Builds the app's one stack.
 *
 * @example
 * const { app } = await referenceApp({ profile: 'prod' });
 * app.synth();
 */
export async function referenceApp(options: ReferenceAppOptions = {}) {
  const profile = options.profile ?? (process.env.SLUICE_ENV || undefined);
  const app = options.app ?? new App();
  const stack = new Stack(app, `SluiceReference${profile ? `-${profile}` : ''}`);
  const vpc = new Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: SubnetType.PUBLIC },
      { name: 'workers', subnetType: SubnetType.PRIVATE_WITH_EGRESS },
    ],
    flowLogs: { all: { destination: FlowLogDestination.toCloudWatchLogs() } },
  });
  const workers = new SluiceWorkerService(stack, 'Workers', {
    // In the image, the config sits in the working directory (/app).
    model: await loadAwsModel(here('../reference/sluice.config.ts'), {
      profile,
      configFile: 'sluice.config.ts',
    }),
    vpc,
  });
  const jobs = await loadAwsModel(here('pipes.config.ts'), { profile });
  const pipes = jobs.pipes.map(
    (p) =>
      new SluicePipeWorker(stack, `Pipe-${p.queue}`, { model: jobs, pipe: p.name, cluster: workers.cluster }),
  );
  return { app, stack, workers, pipes };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '')) {
  const { app } = await referenceApp();
  app.synth();
}
