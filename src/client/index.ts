import type { Store } from '../store/store.ts';
import { type AwsClientOptions, awsClient } from './aws.ts';
import { localClient } from './local.ts';
import type { QueueClient } from './queue-client.ts';

/**
 * Where a client reaches its queues: an SQS endpoint over HTTP (`endpoint`
 * with SLUICE_ENDPOINT's meaning: set, that endpoint; unset, Amazon SQS
 * through the default credential chain), or a store in this process.
 */
export type ClientConfig = Omit<AwsClientOptions, 'sqs'> | { store: Store };

/**
 * Picks the adapter for a configuration: `{ store }` binds the store
 * in-process (localClient); anything else goes over the AWS SDK (awsClient).
 *
 * @example
 * const remote = createClient({ endpoint: 'http://127.0.0.1:9324', region: 'us-east-1' });
 * const aws = createClient({}); // Amazon SQS, default region and credentials
 * const inProcess = createClient({ store: openSqliteStore({ path: ':memory:' }) });
 */
export function createClient(config: ClientConfig): QueueClient {
  return 'store' in config ? localClient(config.store) : awsClient(config);
}

export { type AwsClientOptions, awsClient } from './aws.ts';
export { localClient } from './local.ts';
export type { QueueClient } from './queue-client.ts';
