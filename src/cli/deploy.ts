/**
 * `sluice deploy <target> [config] --out DIR`: writes what runs the config's
 * workers under PM2 (`pm2`), Docker Compose (`compose`), Kubernetes with
 * KEDA (`k8s`) or on AWS as a Terraform module (`terraform`: the queues,
 * alarms, Fargate service, scaling, dashboard and pipes of the AWS model),
 * from the same config and scale policy `sluice scale` uses, and its
 * `deploy` section (src/deploy/settings.ts), with the profile `--env` names.
 * Same config, same bytes. What a target cannot express is a warning on
 * stderr.
 *
 *   sluice deploy k8s sluice.config.ts --out deploy/k8s --image ghcr.io/acme/push:1.4.2
 *   sluice deploy terraform sluice.config.ts --env prod --out deploy/terraform
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from 'citty';
import { configPathOf, DEFAULT_CONFIG } from '../config/default-config.ts';
import { chosenProfile, profileArgs } from '../config/profiles.ts';
import { awsModel } from '../deploy/aws/model.ts';
import { describeConfig } from '../deploy/load.ts';
import { deployModel } from '../deploy/model.ts';
import { ALL_TARGETS, isAwsTarget, isTarget, render, renderAws } from '../deploy/render.ts';
import { stringOption } from './common/options.ts';

/** The sluice CLI that PM2 runs: this package's own. */
const SLUICE_BIN = fileURLToPath(new URL('../../bin/sluice.js', import.meta.url));

/** A path from `from` to `to`, with forward slashes (the files must not depend on the OS). */
const posixRelative = (from: string, to: string) => relative(from, to).replaceAll('\\', '/') || '.';

export default defineCommand({
  meta: {
    name: 'deploy',
    description: 'Write PM2, compose, Kubernetes or Terraform files for a config’s workers',
  },
  args: {
    target: { type: 'positional', required: true, description: ALL_TARGETS.join(' | ') },
    config: { type: 'positional', required: false, description: `Config file (default ${DEFAULT_CONFIG})` },
    out: { type: 'string', description: 'Directory to write the files to (created if missing)' },
    image: { type: 'string', description: 'The sluice image, over deploy.image' },
    ...profileArgs,
  },
  async run({ args }) {
    const target = String(args.target);
    if (!isTarget(target) && !isAwsTarget(target))
      throw new Error(`deploy target must be ${ALL_TARGETS.join(', ')}, got "${target}"`);
    const out = stringOption(args, 'out');
    if (out === undefined) throw new Error('deploy needs --out DIR');
    const image = stringOption(args, 'image');
    const configPath = configPathOf(args.config);
    const options = {
      configFile: posixRelative(process.cwd(), resolve(configPath)),
      ...(image === undefined ? {} : { overrides: { image } }),
    };
    const dir = resolve(out);
    const { files, warnings } = await describeConfig(
      configPath,
      chosenProfile(args, process.env),
      (config) =>
        isAwsTarget(target)
          ? renderAws(target, awsModel(config, options), { configFile: options.configFile })
          : render(target, deployModel(config, options), {
              pm2: { cwd: posixRelative(dir, process.cwd()), script: posixRelative(dir, SLUICE_BIN) },
            }),
    );
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      process.stdout.write(`${join(out, name)}\n`);
    }
    for (const w of warnings) process.stderr.write(`sluice: warning: ${w}\n`);
  },
});
