/**
 * `sluice queues list|create|delete`: queues on any SQS endpoint.
 *
 *   sluice queues list [--prefix P]
 *   sluice queues create <name> [--fifo] [--dlq NAME [--max-receive-count N]]
 *                        [--visibility-timeout S] [--delay S] [--retention S]
 *                        [--content-dedup]
 *   sluice queues delete <name|url> [--yes] [--force]
 *
 * `create` on a queue that exists says so (and which requested attributes
 * differ, refusing then). `delete` refuses a queue that is some queue's
 * dead-letter target unless --force, and asks first (common/confirm.ts)
 * unless the endpoint is this machine and the queue is empty.
 */
import { defineCommand } from 'citty';
import type { QueueClient } from '../client/queue-client.ts';
import { isSqsError } from '../sqs/errors.ts';
import { attributeDifferences } from './common/attributes.ts';
import { confirm, messages, mustConfirm, yesArg } from './common/confirm.ts';
import { connectionArgs, targetOf, withClient } from './common/connection.ts';
import { intOption, stringOption } from './common/options.ts';
import { print, table } from './common/output.ts';
import {
  about,
  deadLetterSources,
  describeQueue,
  listQueueUrls,
  messageCount,
  nameOfUrl,
  resolveQueue,
} from './common/queue.ts';

/** The URL of queue `name`, or undefined when there is none. */
async function existing(client: QueueClient, name: string): Promise<string | undefined> {
  try {
    return (await client.getQueueUrl({ QueueName: name })).QueueUrl;
  } catch (e) {
    if (isSqsError(e) && e.errorName === 'NonExistentQueue') return undefined;
    throw e;
  }
}

const list = defineCommand({
  meta: { name: 'list', description: 'List queues' },
  args: {
    ...connectionArgs,
    prefix: { type: 'string', description: 'Only queues whose name starts with this' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const urls = await listQueueUrls(client, stringOption(args, 'prefix'));
        const queues = urls.map((url) => ({ name: nameOfUrl(url), url, fifo: url.endsWith('.fifo') }));
        print(c.json, queues, () =>
          queues.length === 0
            ? 'no queues'
            : table(
                ['NAME', 'TYPE', 'URL'],
                queues.map((q) => [q.name, q.fifo ? 'fifo' : 'standard', q.url]),
              ),
        );
      },
      { announce: 'table' },
    ),
});

const create = defineCommand({
  meta: { name: 'create', description: 'Create a queue (or confirm one with the same attributes exists)' },
  args: {
    ...connectionArgs,
    name: { type: 'positional', required: true, description: 'Queue name (FIFO names end in .fifo)' },
    fifo: { type: 'boolean', description: 'A FIFO queue (implied by a name ending in .fifo)' },
    dlq: { type: 'string', description: 'Dead-letter queue (name or URL; must exist)' },
    'max-receive-count': {
      type: 'string',
      description: 'Receives before a message moves to the DLQ (1–1000, default 3)',
    },
    'visibility-timeout': {
      type: 'string',
      description: 'Seconds a received message stays hidden (0–43200)',
    },
    delay: { type: 'string', description: 'Seconds every new message is delayed (0–900)' },
    retention: { type: 'string', description: 'Seconds a message is kept (60–1209600)' },
    'content-dedup': { type: 'boolean', description: 'FIFO: deduplicate by a hash of the body' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const name = String(args.name);
        const fifo = args.fifo === true || name.endsWith('.fifo');
        const Attributes: Record<string, string> = {};
        if (fifo) Attributes.FifoQueue = 'true';
        if (args['content-dedup'] === true) Attributes.ContentBasedDeduplication = 'true';
        const numeric = [
          ['visibility-timeout', 'VisibilityTimeout', 0, 43200],
          ['delay', 'DelaySeconds', 0, 900],
          ['retention', 'MessageRetentionPeriod', 60, 1209600],
        ] as const;
        for (const [option, attribute, min, max] of numeric) {
          const value = intOption(args, option, min, max);
          if (value !== undefined) Attributes[attribute] = String(value);
        }
        const maxReceiveCount = intOption(args, 'max-receive-count', 1, 1000);
        const dlqRef = stringOption(args, 'dlq');
        if (maxReceiveCount !== undefined && dlqRef === undefined)
          throw new Error('--max-receive-count needs --dlq');
        if (dlqRef !== undefined) {
          const dlq = await resolveQueue(client, dlqRef);
          Attributes.RedrivePolicy = JSON.stringify({
            deadLetterTargetArn: dlq.arn,
            maxReceiveCount: maxReceiveCount ?? 3,
          });
        }
        const found = await about(name, existing(client, name));
        if (found !== undefined) {
          const differences = attributeDifferences(
            (await describeQueue(client, found)).attributes,
            Attributes,
          );
          if (differences.length > 0)
            throw new Error(`${name} already exists with other attributes: ${differences.join('; ')}`);
          print(
            c.json,
            { name, url: found, created: false, attributes: Attributes },
            () => `${name} already exists  ${found}`,
          );
          return;
        }
        const { QueueUrl } = await about(
          name,
          client.createQueue({ QueueName: name, ...(Object.keys(Attributes).length ? { Attributes } : {}) }),
        );
        print(
          c.json,
          { name, url: QueueUrl, created: true, attributes: Attributes },
          () => `created ${name}  ${QueueUrl}`,
        );
      },
      { announce: 'always' },
    ),
});

const remove = defineCommand({
  meta: { name: 'delete', description: 'Delete a queue and its messages' },
  args: {
    ...connectionArgs,
    ...yesArg,
    force: { type: 'boolean', description: 'Delete it even if it is the dead-letter queue of another queue' },
    queue: { type: 'positional', required: true, description: 'Queue name or URL' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const queue = await resolveQueue(client, String(args.queue));
        const sources = (await about(queue.name, deadLetterSources(client, queue.url))).map(nameOfUrl);
        if (sources.length > 0 && args.force !== true)
          throw new Error(
            `"${queue.name}" is the dead-letter queue of ${sources.map((s) => `"${s}"`).join(', ')} (pass --force to delete it anyway)`,
          );
        const count = messageCount(queue);
        if (mustConfirm(c, count))
          await confirm(
            `${count > 0 ? 'delete' : 'delete the empty queue'} "${queue.name}"${count > 0 ? ` and its ${messages(count)}` : ''} at ${targetOf(c)}`,
            args.yes === true,
          );
        await about(queue.name, client.deleteQueue({ QueueUrl: queue.url }));
        print(c.json, { name: queue.name, url: queue.url, deleted: true }, () => `deleted ${queue.name}`);
      },
      { announce: 'always' },
    ),
});

export default defineCommand({
  meta: { name: 'queues', description: 'List, create and delete queues' },
  subCommands: { list, create, delete: remove },
});
