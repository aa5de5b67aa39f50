/**
 * `sluice deploy terraform`: the AWS model (src/deploy/aws/model.ts) as a
 * Terraform module in Terraform's JSON syntax, one file per concern, the
 * same files every time (a part the config does not have is a file with
 * only its comment), so the same config writes the same bytes and a file
 * left from an earlier run is always overwritten:
 *
 *   main.tf.json       provider requirement, locals, the cluster (made or given), the execution role
 *   variables.tf.json  image, subnets, security_groups, cluster_arn, alarm_actions
 *   queues.tf.json     queues and DLQs, TLS-only queue policies
 *   alarms.tf.json     the queues' alarms
 *   service.tf.json    the workers service, its task definition, task role and logs
 *   scaling.tf.json    target tracking, age steps, scale-in, 0 → 1, with their alarms
 *   dashboard.tf.json  the CloudWatch dashboard
 *   pipes.tf.json      zero-scale pipes
 *   outputs.tf.json    what callers wire to
 *
 * Every number comes from the model; this layer only names and references.
 */
import type { AwsModel } from '../aws/model.ts';
import { alarmsFile } from './alarms.ts';
import { dashboardFile } from './dashboard.ts';
import { logStreams, mainFile, variablesFile } from './main.ts';
import { QueueLabels, SERVICE } from './names.ts';
import { outputsFile } from './outputs.ts';
import { pipeLabel, pipesFile } from './pipes.ts';
import { queuesFile } from './queues.ts';
import { scalingFile } from './scaling.ts';
import { serviceFile } from './service.ts';
import { toTerraformJson, type Value } from './template.ts';

export interface TerraformSource {
  /** The config file, as given to `sluice deploy`, for the files' comments. */
  readonly configFile: string;
}

export interface TerraformRendered {
  /** File name → contents. */
  readonly files: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

/** Application Auto Scaling evaluates a target tracking metric each minute. */
const TARGET_TRACKING_PERIOD_SECONDS = 60;

/** A file: its comment (Terraform ignores "//"), then the body; without a body, why not. */
function file(comment: string, body: Record<string, Value> | undefined, why = ''): string {
  const content =
    body === undefined
      ? { '//': `${comment} ${why}` }
      : { '//': comment, ...(toTerraformJson(body) as object) };
  return `${JSON.stringify(content, null, 2)}\n`;
}

/**
 * The module's files for the model.
 *
 * @example
 * renderTerraform(await loadAwsModel('sluice.config.ts', { profile: 'prod' }), { configFile: 'sluice.config.ts' })
 *   .files['scaling.tf.json'];
 */
export function renderTerraform(model: AwsModel, source: TerraformSource): TerraformRendered {
  const queues = new QueueLabels(model);
  const { service, scaling, dashboard } = model;
  const image = service?.image ?? model.pipes[0]?.task.image ?? '';
  const providers = [
    ...new Set(
      [...(service?.capacity ?? []), ...model.pipes.flatMap((p) => p.task.capacity)].map(
        (c) => c.capacityProvider,
      ),
    ),
  ].sort();
  const inputs = {
    model,
    image,
    capacityProviders: providers,
    logGroups: [...(service ? [SERVICE] : []), ...model.pipes.map(pipeLabel)].map(logStreams),
  };
  const comment = `Written by \`sluice deploy terraform\` from ${source.configFile}${model.profile === undefined ? '' : ` with --env ${model.profile}`}: every number is the config's; change it there and write the module again.`;
  const warnings: string[] = [];
  if (scaling && scaling.targetTracking.query.periodSeconds !== TARGET_TRACKING_PERIOD_SECONDS)
    warnings.push(
      `target tracking reads its metric each minute; scale.periodSeconds ${scaling.targetTracking.query.periodSeconds} applies to the step alarms only`,
    );
  return {
    files: {
      'main.tf.json': file(comment, mainFile(inputs)),
      'variables.tf.json': file(comment, variablesFile(inputs)),
      'queues.tf.json': file(comment, queuesFile(model, queues)),
      'alarms.tf.json': file(comment, alarmsFile(model, queues)),
      'service.tf.json': file(
        comment,
        service && serviceFile(model, service, queues),
        'The config has no workers: no service.',
      ),
      'scaling.tf.json': file(
        comment,
        scaling && scalingFile(model, scaling, queues),
        'The config has no workers: no scaling.',
      ),
      'dashboard.tf.json': file(
        comment,
        dashboard && dashboardFile(dashboard, queues),
        'The config has no workers: no dashboard.',
      ),
      'pipes.tf.json': file(
        comment,
        model.pipes.length > 0 ? pipesFile(model, queues, image) : undefined,
        'The config has no pipes (deploy.aws.pipes).',
      ),
      'outputs.tf.json': file(comment, outputsFile(model, queues)),
    },
    warnings,
  };
}
