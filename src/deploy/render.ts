/**
 * `sluice deploy`'s targets: each renders the model into files (name →
 * text) and says what it could not express. Renderers are pure: same model,
 * same bytes.
 */
import { renderCompose } from './compose.ts';
import { renderK8s } from './k8s/index.ts';
import type { DeployModel } from './model.ts';
import { type Pm2Paths, renderPm2 } from './pm2.ts';

export const TARGETS = ['pm2', 'compose', 'k8s'] as const;
export type Target = (typeof TARGETS)[number];

export const isTarget = (value: string): value is Target => (TARGETS as readonly string[]).includes(value);

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
