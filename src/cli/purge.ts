/**
 * `sluice purge <queue>`: deletes every message in a queue (PurgeQueue). On
 * Amazon SQS the purge takes up to 60 s to finish, and a queue can be purged
 * once every 60 s (PurgeQueueInProgress otherwise).
 */
import { defineCommand } from 'citty';
import { connectionArgs, withClient } from './common/connection.ts';
import { print } from './common/output.ts';
import { about, resolveQueue } from './common/queue.ts';

export default defineCommand({
  meta: { name: 'purge', description: 'Delete every message in a queue' },
  args: {
    ...connectionArgs,
    queue: { type: 'positional', required: true, description: 'Queue name or URL' },
  },
  run: ({ args }) =>
    withClient(args, async (client, c) => {
      const queue = await resolveQueue(client, String(args.queue));
      await about(queue.name, client.purgeQueue({ QueueUrl: queue.url }));
      print(c.json, { name: queue.name, url: queue.url, purged: true }, () => `purged ${queue.name}`);
    }),
});
