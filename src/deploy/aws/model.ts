/**
 * The AWS deployment model: everything a CDK, Pulumi or Terraform renderer
 * needs, with its exact numbers, computed once from the config (queues,
 * workers, schedules), its scale policy and its deploy section (with
 * `deploy.aws`), validated once (each refusal one line naming the field) and
 * frozen. Renderers only translate it; none decides a number.
 *
 *   queues      each queue + DLQ: redrive, visibility, retention, SSE, TLS only (queues.ts)
 *   alarms      DLQ depth, visible, oldest age, per queue (alarms.ts)
 *   service     the workers on Fargate, their task role (service.ts, iam.ts); undefined without workers
 *   scaling     target tracking, age steps, scale-in, 0 → 1 (scaling.ts)
 *   dashboard   the service's graphs (dashboard.ts)
 *   pipes       zero-scale pipes (pipe.ts)
 */
import type { SluiceConfig } from '../../config/config-file.ts';
import { type DeployModel, DeployModelError, deployModel, type ModelOptions } from '../model.ts';
import { parseDeploySettings } from '../settings.ts';
import { type QueueAlarm, queueAlarms } from './alarms.ts';
import { type Dashboard, dashboardOf } from './dashboard.ts';
import { deepFreeze } from './freeze.ts';
import { taskRole } from './iam.ts';
import { MAX_METRICS_PER_QUERY, type MetricQuery } from './metrics.ts';
import { type AwsPipe, awsPipes } from './pipe.ts';
import { type AwsQueue, awsQueue } from './queues.ts';
import { type AwsScaling, awsScaling } from './scaling.ts';
import { type AwsService, awsService } from './service.ts';

export interface AwsModel {
  /** deploy.name: the prefix of every resource's name. */
  readonly name: string;
  readonly region: string;
  /** The profile the config was read with (`--env`), if any. */
  readonly profile: string | undefined;
  readonly queues: readonly AwsQueue[];
  readonly alarms: readonly QueueAlarm[];
  readonly service: AwsService | undefined;
  readonly scaling: AwsScaling | undefined;
  readonly dashboard: Dashboard | undefined;
  readonly pipes: readonly AwsPipe[];
}

const nameOf = (queue: string) => queue.split('/').at(-1) ?? queue;

function checkMetricCount(where: string, query: MetricQuery) {
  const count = query.metrics.length + (query.expression === undefined ? 0 : 1);
  if (count > MAX_METRICS_PER_QUERY)
    throw new DeployModelError(
      `deploy.aws.scaleOn: the ${where} would watch ${count} metrics, CloudWatch takes ${MAX_METRICS_PER_QUERY}: name fewer queues to scale on (the busiest)`,
    );
}

/** The queues that drive scaling: deploy.aws.scaleOn, checked, else every queue the workers read. */
function scaleQueues(model: DeployModel, scaleOn: readonly string[] | undefined): string[] {
  const consumed = model.consumed.map((c) => c.name);
  if (scaleOn === undefined) return consumed;
  scaleOn.forEach((q, i) => {
    if (!consumed.includes(q))
      throw new DeployModelError(
        `deploy.aws.scaleOn[${i}] "${q}" is not a queue the workers read (${consumed.join(', ')})`,
      );
  });
  const left = consumed.filter((q) => !scaleOn.includes(q));
  if (model.scale.min === 0 && left.length > 0)
    throw new DeployModelError(
      `deploy.aws.scaleOn leaves out ${left.join(', ')}: with scale.min 0 a message there would start no task; scale on every queue or set scale.min to 1`,
    );
  return [...scaleOn];
}

/**
 * The AWS model of a config (as loaded with its profile), validated and frozen.
 *
 * @example
 * const config = await loadConfig('sluice.config.ts', { dataDir: 'data', mode: 'start', client, profile: 'prod' });
 * const model = awsModel(config, { configFile: 'sluice.config.ts' });
 * model.scaling?.ageSteps?.alarm.threshold; // 300 for the seeds' table
 */
export function awsModel(config: SluiceConfig, options: ModelOptions): AwsModel {
  const settings = options.overrides
    ? parseDeploySettings({ ...config.deploy, ...options.overrides })
    : (config.deploy ?? parseDeploySettings(undefined));
  const aws = settings.aws;
  const declared = new Set(config.queues.flatMap((q) => (q.dlq ? [q.name, q.dlq.name] : [q.name])));
  aws.sendsTo.forEach((q, i) => {
    if (!declared.has(q))
      throw new DeployModelError(`deploy.aws.sendsTo[${i}] "${q}" is not declared in queues`);
  });
  const readBy = new Map<string, string>();
  config.workers.forEach((w, i) => {
    for (const { queue } of w.queues) readBy.set(nameOf(queue), `workers[${i}] (${w.name})`);
  });

  let service: AwsService | undefined;
  let scaling: AwsScaling | undefined;
  let dashboard: Dashboard | undefined;
  if (config.workers.length > 0) {
    const model = deployModel(config, options);
    service = awsService(model, aws, taskRole(config, aws.sendsTo));
    scaling = awsScaling(model.scale, scaleQueues(model, aws.scaleOn));
    checkMetricCount('target tracking metric', scaling.targetTracking.query);
    checkMetricCount('scale-in alarm', scaling.scaleIn.alarm.query);
    if (scaling.ageSteps) checkMetricCount('age alarm', scaling.ageSteps.alarm.query);
    if (scaling.activation) checkMetricCount('0 → 1 alarm', scaling.activation.alarm.query);
    dashboard = dashboardOf({
      name: settings.name,
      queues: config.queues,
      consumed: scaling.queues,
      target: scaling.targetTracking.targetValue,
      oldestAgeAlarm: aws.alarms.oldestAgeSeconds,
      healthPort: settings.healthPort,
    });
  }
  const pipes = awsPipes(aws.pipes, {
    serviceName: settings.name,
    image: settings.image,
    cpu: settings.cpu,
    memoryMiB: settings.memoryMiB,
    region: settings.region,
    assignPublicIp: aws.assignPublicIp,
    logRetentionDays: aws.logRetentionDays,
    queues: config.queues,
    readBy,
  });
  if (!service && pipes.length === 0)
    throw new DeployModelError(
      'workers: the config declares no worker and deploy.aws.pipes no pipe, so there is nothing to deploy',
    );
  return deepFreeze({
    name: settings.name,
    region: settings.region,
    profile: config.profile,
    queues: config.queues.map(awsQueue),
    alarms: queueAlarms(config.queues, aws),
    service,
    scaling,
    dashboard,
    pipes,
  });
}
