/**
 * `sluice purge <queue> [--yes]`: deletes every message in a queue
 * (PurgeQueue). It asks first (see common/confirm.ts) unless the endpoint is
 * this machine and the queue is empty. On Amazon SQS the purge takes up to
 * 60 s to finish, and a queue can be purged once every 60 s
 * (PurgeQueueInProgress otherwise).
 */
import { defineCommand } from 'citty';
import { confirm, messages, mustConfirm, yesArg } from './common/confirm.ts';
import { connectionArgs, targetOf, withClient } from './common/connection.ts';
import { print } from './common/output.ts';
import { about, messageCount, resolveQueue } from './common/queue.ts';

export default defineCommand({
  meta: { name: 'purge', description: 'Delete every message in a queue' },
  args: {
    ...connectionArgs,
    ...yesArg,
    queue: { type: 'positional', required: true, description: 'Queue name or URL' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const queue = await resolveQueue(client, String(args.queue));
        const count = messageCount(queue);
        if (mustConfirm(c, count))
          await confirm(
            `${count > 0 ? `purge ${messages(count)} from` : 'purge the empty queue'} "${queue.name}" at ${targetOf(c)}`,
            args.yes === true,
          );
        await about(queue.name, client.purgeQueue({ QueueUrl: queue.url }));
        print(c.json, { name: queue.name, url: queue.url, purged: true }, () => `purged ${queue.name}`);
      },
      { announce: 'always' },
    ),
});
