/**
 * `sluice queues list|create|delete`: queues on any SQS endpoint.
 *
 *   sluice queues list [--prefix P]
 *   sluice queues create <name> [--fifo] [--dlq NAME [--max-receive-count N]]
 *                        [--visibility-timeout S] [--delay S] [--retention S]
 *                        [--content-dedup]
 *   sluice queues delete <name|url>
 */
import { defineCommand } from 'citty';
import { connectionArgs, withClient } from './common/connection.ts';
import { intOption, stringOption } from './common/options.ts';
import { print, table } from './common/output.ts';
import { about, listQueueUrls, nameOfUrl, resolveQueue } from './common/queue.ts';

const list = defineCommand({
  meta: { name: 'list', description: 'List queues' },
  args: {
    ...connectionArgs,
    prefix: { type: 'string', description: 'Only queues whose name starts with this' },
  },
  run: ({ args }) =>
    withClient(args, async (client, c) => {
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
    }),
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
    withClient(args, async (client, c) => {
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
      const { QueueUrl } = await about(
        name,
        client.createQueue({ QueueName: name, ...(Object.keys(Attributes).length ? { Attributes } : {}) }),
      );
      print(c.json, { name, url: QueueUrl, attributes: Attributes }, () => `created ${name}  ${QueueUrl}`);
    }),
});

const remove = defineCommand({
  meta: { name: 'delete', description: 'Delete a queue and its messages' },
  args: {
    ...connectionArgs,
    queue: { type: 'positional', required: true, description: 'Queue name or URL' },
  },
  run: ({ args }) =>
    withClient(args, async (client, c) => {
      const queue = await resolveQueue(client, String(args.queue));
      await about(queue.name, client.deleteQueue({ QueueUrl: queue.url }));
      print(c.json, { name: queue.name, url: queue.url, deleted: true }, () => `deleted ${queue.name}`);
    }),
});

export default defineCommand({
  meta: { name: 'queues', description: 'List, create and delete queues' },
  subCommands: { list, create, delete: remove },
});
