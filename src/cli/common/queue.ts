/**
 * A queue as the operator names it (a name or a URL), resolved once against
 * the service: URL, name, ARN and the attributes the commands read. A queue
 * that does not exist fails with AWS's sentence, prefixed by what was typed.
 */
import type { QueueClient } from '../../client/queue-client.ts';
import { isSqsError } from '../../sqs/errors.ts';
import { parseQueueArn } from '../../sqs/names.ts';
import { parseRedrivePolicy } from '../../sqs/redrive.ts';

export interface ResolvedQueue {
  name: string;
  url: string;
  arn: string;
  attributes: Record<string, string>;
  /** The dead-letter queue named by the RedrivePolicy, if any. */
  redrive?: { dlqName: string; dlqArn: string; maxReceiveCount: number };
}

const nameOfUrl = (url: string) =>
  url
    .replace(/[?#].*$/, '')
    .split('/')
    .filter(Boolean)
    .at(-1) ?? url;

/** Messages a queue holds: visible, in flight and delayed (SQS's approximate counts). */
export const messageCount = (q: ResolvedQueue) =>
  [
    'ApproximateNumberOfMessages',
    'ApproximateNumberOfMessagesNotVisible',
    'ApproximateNumberOfMessagesDelayed',
  ]
    .map((name) => Number(q.attributes[name] ?? 0))
    .reduce((a, b) => a + b, 0);

/** Runs a request about queue `ref`; an SQS error reads `ref: <AWS's reason>`. */
export async function about<T>(ref: string, request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (e) {
    if (!isSqsError(e)) throw e;
    throw new Error(`${ref}: ${e.message}`, { cause: e });
  }
}

/** Looks up `ref` (queue name or URL) with all its attributes; errors read `ref: <AWS's reason>`. */
export async function resolveQueue(client: QueueClient, ref: string): Promise<ResolvedQueue> {
  return about(
    ref,
    (async () => {
      const url = /^https?:\/\//.test(ref) ? ref : (await client.getQueueUrl({ QueueName: ref })).QueueUrl;
      return describeQueue(client, url);
    })(),
  );
}

/** The queue at `url`, with all attributes. */
export async function describeQueue(client: QueueClient, url: string): Promise<ResolvedQueue> {
  const { Attributes = {} } = await client.getQueueAttributes({ QueueUrl: url, AttributeNames: ['All'] });
  const queue: ResolvedQueue = {
    name: nameOfUrl(url),
    url,
    arn: Attributes.QueueArn ?? '',
    attributes: Attributes,
  };
  if (Attributes.RedrivePolicy) {
    const policy = parseRedrivePolicy(Attributes.RedrivePolicy);
    const dlqName = parseQueueArn(policy.deadLetterTargetArn)?.name ?? policy.deadLetterTargetArn;
    queue.redrive = { dlqName, dlqArn: policy.deadLetterTargetArn, maxReceiveCount: policy.maxReceiveCount };
  }
  return queue;
}

/** Every queue URL (optionally by name prefix), following NextToken. */
export async function listQueueUrls(client: QueueClient, prefix?: string): Promise<string[]> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.listQueues({
      MaxResults: 1000,
      ...(prefix ? { QueueNamePrefix: prefix } : {}),
      ...(NextToken ? { NextToken } : {}),
    });
    urls.push(...(page.QueueUrls ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return urls;
}

/**
 * Every queue (optionally by name prefix) with its attributes, a few requests
 * at a time, by name; a queue deleted while this runs is left out.
 */
export async function describeAll(client: QueueClient, prefix?: string): Promise<ResolvedQueue[]> {
  const urls = await listQueueUrls(client, prefix);
  const queues: ResolvedQueue[] = [];
  const gone = (e: unknown) => {
    if (isSqsError(e) && e.errorName === 'NonExistentQueue') return undefined;
    throw e;
  };
  for (let i = 0; i < urls.length; i += 8) {
    const described = await Promise.all(
      urls.slice(i, i + 8).map((url) => describeQueue(client, url).catch(gone)),
    );
    for (const q of described) if (q) queues.push(q);
  }
  return queues.sort((a, b) => a.name.localeCompare(b.name));
}

/** The queue URLs whose RedrivePolicy targets `dlqUrl`, following NextToken. */
export async function deadLetterSources(client: QueueClient, dlqUrl: string): Promise<string[]> {
  const urls: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.listDeadLetterSourceQueues({
      QueueUrl: dlqUrl,
      MaxResults: 1000,
      ...(NextToken ? { NextToken } : {}),
    });
    urls.push(...page.queueUrls);
    NextToken = page.NextToken;
  } while (NextToken);
  return urls;
}

export { nameOfUrl };
