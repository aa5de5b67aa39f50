import {
  AddPermissionCommand,
  CancelMessageMoveTaskCommand,
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  type GetQueueAttributesCommandInput,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type ReceiveMessageCommandInput,
  RemovePermissionCommand,
  SendMessageBatchCommand,
  type SendMessageBatchCommandInput,
  SendMessageCommand,
  type SendMessageCommandInput,
  SetQueueAttributesCommand,
  SQSClient,
  type SQSClientConfig,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
} from '@aws-sdk/client-sqs';
import { fromSdkError } from './aws-errors.ts';
import { noteNodeVersion } from './node-version.ts';
import { OpenPolls } from './open-polls.ts';
import type { QueueClient } from './queue-client.ts';

/**
 * Real milliseconds an aborted receive may still answer (see OpenPolls): an
 * answer already on the wire is returned, not stranded invisible.
 */
export const RECEIVE_ABORT_GRACE_MS = 500;
export interface AwsClientOptions {
  /** An SQS endpoint such as `http://127.0.0.1:9324` (`sluice server`); unset: Amazon SQS. */
  endpoint?: string;
  /** Unset: the SDK's default region chain (AWS_REGION, the config file). */
  region?: string;
  /** Unset: the SDK's default credential chain. */
  credentials?: SQSClientConfig['credentials'];
  /** A ready SDK client (its own endpoint, retries, agent); the adapter then never destroys it. */
  sqs?: SQSClient;
  /**
   * A worker's WORKER_ID: its requests then say who sent them (User-Agent
   * `… sluice-worker/<id>`), and a sluice server's dashboard lists the worker.
   */
  workerId?: string;
}

/**
 * The QueueClient over @aws-sdk/client-sqs: Amazon SQS, or any SQS endpoint
 * such as `sluice server`. The Store's shapes are the SDK's, so each method is
 * its command; results lose the SDK's `$metadata`, and service errors become
 * the registry's `SqsError`s (aws-errors.ts), so callers cannot tell this
 * adapter from the in-process one. Network and throttling errors are left to
 * the SDK's standard retries and then surface unchanged.
 *
 * @example
 * const client = awsClient({ endpoint: 'http://127.0.0.1:9324', region: 'us-east-1' });
 * const { QueueUrl } = await client.getQueueUrl({ QueueName: 'jobs' });
 * const { Messages = [] } = await client.receiveMessage({ QueueUrl, WaitTimeSeconds: 20 });
 * await client.close();
 */
/**
 * Credentials: as given; else, for Amazon SQS, the SDK's default chain. For a
 * custom endpoint (sluice server on a laptop or in CI): the AWS_* keys from
 * the environment, or the chain when AWS_PROFILE names a profile, else
 * placeholder keys, which a server without --auth accepts — no AWS account
 * needed, and no probe of the EC2 metadata service from a laptop.
 */
function credentialsFor(
  options: AwsClientOptions,
  env: NodeJS.ProcessEnv = process.env,
): Pick<SQSClientConfig, 'credentials'> {
  if (options.credentials !== undefined) return { credentials: options.credentials };
  if (options.endpoint === undefined || env.AWS_PROFILE) return {};
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if (accessKeyId && secretAccessKey) {
    const sessionToken = env.AWS_SESSION_TOKEN;
    return { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } };
  }
  return { credentials: { accessKeyId: 'sluice-local', secretAccessKey: 'sluice-local' } };
}

export function awsClient(options: AwsClientOptions = {}): QueueClient {
  const owned = options.sqs === undefined;
  if (owned) noteNodeVersion();
  const sqs =
    options.sqs ??
    new SQSClient({
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      ...(options.region === undefined ? {} : { region: options.region }),
      ...credentialsFor(options),
      ...(options.workerId === undefined ? {} : { customUserAgent: [['sluice-worker', options.workerId]] }),
      retryMode: 'standard',
    });
  const polls = new OpenPolls();

  return {
    createQueue: (i) => result(sqs.send(new CreateQueueCommand(i))),
    deleteQueue: (i) => done(sqs.send(new DeleteQueueCommand(i))),
    getQueueUrl: (i) => result(sqs.send(new GetQueueUrlCommand(i))),
    listQueues: (i) => result(sqs.send(new ListQueuesCommand(i ?? {}))),
    getQueueAttributes: (i) =>
      result(sqs.send(new GetQueueAttributesCommand(i as GetQueueAttributesCommandInput))),
    setQueueAttributes: (i) => done(sqs.send(new SetQueueAttributesCommand(i))),
    tagQueue: (i) => done(sqs.send(new TagQueueCommand(i))),
    untagQueue: (i) => done(sqs.send(new UntagQueueCommand(i))),
    listQueueTags: (i) => result(sqs.send(new ListQueueTagsCommand(i))),
    purgeQueue: (i) => done(sqs.send(new PurgeQueueCommand(i))),
    addPermission: (i) => done(sqs.send(new AddPermissionCommand(i))),
    removePermission: (i) => done(sqs.send(new RemovePermissionCommand(i))),

    sendMessage: (i) => result(sqs.send(new SendMessageCommand(i as SendMessageCommandInput))),
    sendMessageBatch: (i) => batch(sqs.send(new SendMessageBatchCommand(i as SendMessageBatchCommandInput))),
    // The SDK does not retry an AbortError, so an aborted long poll is never sent again.
    receiveMessage: (i, opts) =>
      polls.run(
        opts?.signal,
        (abortSignal) =>
          result(sqs.send(new ReceiveMessageCommand(i as ReceiveMessageCommandInput), { abortSignal })),
        RECEIVE_ABORT_GRACE_MS,
      ),
    deleteMessage: (i) => done(sqs.send(new DeleteMessageCommand(i))),
    deleteMessageBatch: (i) => batch(sqs.send(new DeleteMessageBatchCommand(i))),
    changeMessageVisibility: (i) => done(sqs.send(new ChangeMessageVisibilityCommand(i))),
    changeMessageVisibilityBatch: (i) => batch(sqs.send(new ChangeMessageVisibilityBatchCommand(i))),

    listDeadLetterSourceQueues: (i) => result(sqs.send(new ListDeadLetterSourceQueuesCommand(i))),
    startMessageMoveTask: (i) => result(sqs.send(new StartMessageMoveTaskCommand(i))),
    cancelMessageMoveTask: (i) => result(sqs.send(new CancelMessageMoveTaskCommand(i))),
    listMessageMoveTasks: (i) => result(sqs.send(new ListMessageMoveTasksCommand(i))),

    async close() {
      polls.close();
      if (owned) sqs.destroy();
    },
  };
}

/**
 * The SDK's output without `$metadata`. The SDK types every member optional
 * (and some as literal unions); the wire guarantees what the Store's types
 * require, which the client contract suite checks, hence the one cast here.
 */
async function result<O>(request: Promise<{ $metadata: unknown }>): Promise<O> {
  try {
    const { $metadata: _, ...output } = await request;
    return output as O;
  } catch (e) {
    throw fromSdkError(e);
  }
}

/** A batch result: SQS leaves out an empty `Failed` (and sluice does too); the port always has both lists. */
async function batch<O extends { Successful: unknown[]; Failed: unknown[] }>(
  request: Promise<{ $metadata: unknown }>,
): Promise<O> {
  const out = await result<Partial<O>>(request);
  return { ...out, Successful: out.Successful ?? [], Failed: out.Failed ?? [] } as O;
}

/** For actions whose Store method resolves with nothing. */
async function done(request: Promise<{ $metadata: unknown }>): Promise<void> {
  await result(request);
}

/**
 * The credentials rule of `credentialsFor` for any AWS SDK v3 client, so that
 * other adapters (the ECS actuator) treat a custom endpoint the same way:
 * given credentials win; Amazon itself gets the SDK's chain; a custom endpoint
 * gets the AWS_* keys, the chain under AWS_PROFILE, or placeholder keys.
 *
 * @example
 * const ecs = new ECSClient({ endpoint, ...endpointCredentials(endpoint) });
 */
export function endpointCredentials(
  endpoint: string | undefined,
  credentials?: SQSClientConfig['credentials'],
  env: NodeJS.ProcessEnv = process.env,
): Pick<SQSClientConfig, 'credentials'> {
  return credentialsFor({ endpoint, credentials }, env);
}
