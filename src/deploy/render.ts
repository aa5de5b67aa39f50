/**
 * `sluice deploy`'s targets: each renders a model into files (name → text)
 * and says what it could not express. PM2, compose and Kubernetes render the
 * deployment model (src/deploy/model.ts); Terraform renders the AWS model
 * (src/deploy/aws/model.ts), which adds the queues, alarms, scaling and
 * pipes AWS needs. Renderers are pure: same model, same bytes.
 */
import type { AwsModel } from './aws/model.ts';
import { renderCompose } from './compose.ts';
import { renderK8s } from './k8s/index.ts';
import type { DeployModel } from './model.ts';
import { type Pm2Paths, renderPm2 } from './pm2.ts';
import { renderTerraform, type TerraformSource } from './terraform/index.ts';

/** The targets rendered from the deployment model. */
export const TARGETS = ['pm2', 'compose', 'k8s'] as const;
export type Target = (typeof TARGETS)[number];
/** The targets rendered from the AWS model. */
export const AWS_TARGETS = ['terraform'] as const;
export type AwsTarget = (typeof AWS_TARGETS)[number];
/** Every target of `sluice deploy`. */
export const ALL_TARGETS = [...TARGETS, ...AWS_TARGETS] as const;

export const isTarget = (value: string): value is Target => (TARGETS as readonly string[]).includes(value);
export const isAwsTarget = (value: string): value is AwsTarget =>
  (AWS_TARGETS as readonly string[]).includes(value);

export interface RenderContext {
  /** For PM2, which runs files on this machine: paths relative to the output directory. */
  readonly pm2: Pm2Paths;
}

export interface Rendered {
  readonly files: Readonly<Record<string, string>>;
  readonly warnings: readonly string[];
}

/**
 * The target's files for the model.
 *
 * @example
 * render('compose', model, context).files['compose.yaml'];
 */
export function render(target: Target, model: DeployModel, context: RenderContext): Rendered {
  switch (target) {
    case 'pm2':
      return { files: { 'ecosystem.config.cjs': renderPm2(model, context.pm2) }, warnings: [] };
    case 'compose':
      return { files: renderCompose(model), warnings: [] };
    case 'k8s':
      return renderK8s(model);
  }
}

/**
 * The AWS target's files for the AWS model.
 *
 * @example
 * renderAws('terraform', awsModel(config, options), { configFile: 'sluice.config.ts' }).files['main.tf.json'];
 */
export function renderAws(target: AwsTarget, model: AwsModel, source: TerraformSource): Rendered {
  switch (target) {
    case 'terraform':
      return renderTerraform(model, source);
  }
}
