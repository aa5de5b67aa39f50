/**
 * A config file's AWS model, for infrastructure code (a CDK app, a Pulumi
 * program): the config is loaded as `sluice deploy` loads it, with the
 * profile, and its local side (a config written as a function may open
 * files in its data directory) stays in a temporary directory, removed
 * afterwards.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { awsClient } from '../../client/aws.ts';
import { loadConfig } from '../../config/config-file.ts';
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
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-model-'));
  const client = awsClient({ region: 'us-east-1' }); // a config written as a function gets one; nothing calls it
  try {
    const config = await loadConfig(path, {
      dataDir,
      mode: 'start',
      client,
      profile: options.profile ?? (process.env.SLUICE_ENV || undefined),
    });
    try {
      return awsModel(config, {
        configFile: options.configFile ?? relative(process.cwd(), resolve(path)).replaceAll('\\', '/'),
        ...(options.image === undefined ? {} : { overrides: { image: options.image } }),
      });
    } finally {
      await config.onShutdown?.();
    }
  } finally {
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
