/**
 * A config file's AWS model, for infrastructure code (a CDK app, a Pulumi
 * program): the config is loaded as `sluice deploy` loads it, with the
 * profile, and nothing of it is left behind (src/deploy/load.ts).
 */
import { relative, resolve } from 'node:path';
import { describeConfig } from '../load.ts';
import { type AwsModel, awsModel } from './model.ts';

export interface LoadAwsModelOptions {
  /** The profile (`--env`); default SLUICE_ENV, else the base alone. */
  readonly profile?: string | undefined;
  /** Where the service finds the config, relative to the image's working directory; default: the path from the current directory. */
  readonly configFile?: string;
  /** Over the config's `deploy.image`. */
  readonly image?: string;
}

/**
 * Loads a config file and returns its AWS model.
 *
 * @example
 * const model = await loadAwsModel('sluice.config.ts', { profile: 'prod' });
 * model.scaling?.maxTasks; // 10 for the reference system's prod
 */
export async function loadAwsModel(path: string, options: LoadAwsModelOptions = {}): Promise<AwsModel> {
  return describeConfig(path, options.profile ?? (process.env.SLUICE_ENV || undefined), (config) =>
    awsModel(config, {
      configFile: options.configFile ?? relative(process.cwd(), resolve(path)).replaceAll('\\', '/'),
      ...(options.image === undefined ? {} : { overrides: { image: options.image } }),
    }),
  );
}
