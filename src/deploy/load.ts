/**
 * A config loaded to be described, not run: `sluice deploy` and
 * `loadAwsModel` read its queues, workers, scale policy and deploy section.
 * A config written as a function may open files in its data directory (the
 * reference system opens its SQLite database there): that happens in a
 * temporary directory, removed afterwards, and the config's onShutdown runs,
 * so describing a config leaves nothing behind in the current directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsClient } from '../client/aws.ts';
import { loadConfig, type SluiceConfig } from '../config/config-file.ts';

/**
 * Loads the config at `path` with `profile`, passes it to `use`, then shuts it down.
 *
 * @example
 * const model = await describeConfig('sluice.config.ts', 'prod', (config) => deployModel(config, options));
 */
export async function describeConfig<T>(
  path: string,
  profile: string | undefined,
  use: (config: SluiceConfig) => T,
): Promise<T> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sluice-describe-'));
  // As in the other commands: errors stay one line (the SDK's Node 20 notice is not one).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const client = awsClient({ region: 'us-east-1' }); // a config written as a function gets one; nothing calls it
  try {
    const config = await loadConfig(path, { dataDir, mode: 'start', client, profile });
    try {
      return use(config);
    } finally {
      await config.onShutdown?.();
    }
  } finally {
    await client.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
