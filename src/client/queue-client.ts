import type { OperatorStore } from '../store/operator.ts';
import type { Store } from '../store/store.ts';

/**
 * The port through which workers, the scheduler and the CLI reach a queue
 * service: the SQS API itself, in the SDK's shapes. Two adapters implement it:
 * `awsClient` (src/client/aws.ts: @aws-sdk/client-sqs, for Amazon SQS or any
 * SQS endpoint such as `sluice server`) and `localClient` (src/client/local.ts:
 * the store in-process). Both refuse bad input with the same `SqsError`s, and
 * one contract suite (test/client/) runs against both.
 *
 * `receiveMessage(input, { signal })`: aborting the signal ends a long poll at
 * once; messages already claimed by then are returned or, where they cannot
 * be (the HTTP request was cut), become visible again on the service's side.
 *
 * @example
 * const client = awsClient({ endpoint: 'http://127.0.0.1:9324', region: 'us-east-1' });
 * const { QueueUrl } = await client.getQueueUrl({ QueueName: 'jobs' });
 * await client.sendMessage({ QueueUrl, MessageBody: 'hello' });
 */
export interface QueueClient extends Omit<Store, keyof OperatorStore | 'close' | 'region' | 'inRegion'> {
  /** Releases what the client holds (sockets); never closes a store it was given. */
  close(): Promise<void>;
}
