/**
 * `sluice dlq list|show|redrive <queue>`: dead-letter queues. `<queue>` (name
 * or URL) may be the DLQ or one of its source queues.
 *
 *   sluice dlq list                       every DLQ (a queue some RedrivePolicy
 *                                         names), its depth and source queues
 *   sluice dlq list <queue>               DLQ depth and the queues that feed it
 *   sluice dlq show <queue> [--max N]     failed messages, without consuming them
 *                                         (see common/dead-letters.ts for how),
 *                                         "showing 10 of 36" when there are more
 *   sluice dlq redrive <queue> [--to Q] [--rate N]
 *       replays through a message move task (StartMessageMoveTask) and follows
 *       it with ListMessageMoveTasks until it ends. Without --to, a DLQ with one
 *       source queue sends its messages there; with several, each message goes
 *       back to the queue it came from (SQS's default — messages a worker sent
 *       to the DLQ itself have no such origin, so name --to then). Ctrl-C
 *       cancels the task. Exit 0 when it completes, 1 when it fails.
 */
import { defineCommand } from 'citty';
import type { QueueClient } from '../client/queue-client.ts';
import { connectionArgs, withClient } from './common/connection.ts';
import { deadLetterSetup, describeFailed, peek } from './common/dead-letters.ts';
import { intOption } from './common/options.ts';
import { clip, print, table } from './common/output.ts';
import { progress } from './common/progress.ts';
import { about, describeAll, messageCount, type ResolvedQueue, resolveQueue } from './common/queue.ts';

const queueArg = {
  queue: { type: 'positional', required: true, description: 'The DLQ or a source queue (name or URL)' },
} as const;
const optionalQueueArg = {
  queue: {
    ...queueArg.queue,
    required: false,
    description: `${queueArg.queue.description}; none: every DLQ`,
  },
} as const;
const depth = (q: ResolvedQueue) => ({
  visible: Number(q.attributes.ApproximateNumberOfMessages ?? 0),
  inFlight: Number(q.attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
});

/** Every queue that some RedrivePolicy names, with its depth and sources (`dlq list` without a queue). */
async function allDeadLetterQueues(client: QueueClient) {
  const queues = await describeAll(client);
  const byArn = new Map(queues.map((q) => [q.arn, q]));
  const dlqs = new Map<
    string,
    { name: string; queue: ResolvedQueue | undefined; sources: ResolvedQueue[] }
  >();
  for (const q of queues) {
    if (!q.redrive) continue;
    const entry = dlqs.get(q.redrive.dlqArn) ?? {
      name: q.redrive.dlqName,
      queue: byArn.get(q.redrive.dlqArn), // undefined: gone, or in another account or region
      sources: [],
    };
    entry.sources.push(q);
    dlqs.set(q.redrive.dlqArn, entry);
  }
  return [...dlqs.values()]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(({ name, queue, sources }) => ({
      name,
      url: queue?.url ?? null,
      visible: queue ? depth(queue).visible : null,
      inFlight: queue ? depth(queue).inFlight : null,
      sources: sources.map((s) => ({
        name: s.name,
        url: s.url,
        maxReceiveCount: s.redrive?.maxReceiveCount ?? null,
      })),
    }));
}

const list = defineCommand({
  meta: { name: 'list', description: 'Dead-letter queues: their depth and their source queues' },
  args: { ...connectionArgs, ...optionalQueueArg },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        if (typeof args.queue !== 'string') {
          const all = await allDeadLetterQueues(client);
          print(c.json, all, () =>
            all.length === 0
              ? 'no dead-letter queues (no RedrivePolicy names one)'
              : table(
                  ['DLQ', 'VISIBLE', 'IN FLIGHT', 'SOURCE QUEUES'],
                  all.map((d) => [d.name, d.visible, d.inFlight, d.sources.map((s) => s.name).join(', ')]),
                ),
          );
          return;
        }
        const { dlq, sources } = await deadLetterSetup(client, args.queue);
        const result = {
          dlq: { name: dlq.name, url: dlq.url, ...depth(dlq) },
          sources: sources.map((s) => ({
            name: s.name,
            url: s.url,
            maxReceiveCount: s.redrive?.maxReceiveCount ?? null,
            ...depth(s),
          })),
        };
        print(c.json, result, () =>
          [
            table(['DLQ', 'VISIBLE', 'IN FLIGHT'], [[dlq.name, result.dlq.visible, result.dlq.inFlight]]),
            '',
            table(
              ['SOURCE QUEUE', 'MAX RECEIVES', 'VISIBLE', 'IN FLIGHT'],
              result.sources.map((s) => [s.name, s.maxReceiveCount, s.visible, s.inFlight]),
            ),
          ].join('\n'),
        );
      },
      { announce: 'table' },
    ),
});

const show = defineCommand({
  meta: { name: 'show', description: 'Failed messages in a DLQ, left in place (each look counts a receive)' },
  args: {
    ...connectionArgs,
    ...queueArg,
    max: { type: 'string', description: 'How many messages at most (1–1000, default 10)' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const max = intOption(args, 'max', 1, 1000, 10)!;
        const { dlq } = await deadLetterSetup(client, String(args.queue));
        const messages = (await peek(client, dlq.url, max)).map(describeFailed);
        // Read before the peek; approximate, and never fewer than were shown.
        const total = Math.max(messageCount(dlq), messages.length);
        const shown =
          messages.length < total ? `showing ${messages.length} of ${total}` : `${messages.length}`;
        print(c.json, { dlq: dlq.name, total, messages }, () =>
          messages.length === 0
            ? `${dlq.name} is empty`
            : `${table(
                ['MESSAGE ID', 'SENT', 'RECEIVES', 'SOURCE', 'ERROR', 'BODY'],
                messages.map((m) => [
                  m.originalMessageId ?? m.messageId,
                  m.sentAt,
                  m.workerReceiveCount ?? m.receiveCount,
                  m.sourceQueue,
                  m.error === null ? null : clip(m.error, 48),
                  clip(m.body, 48),
                ]),
              )}\n\n${shown} message(s) in ${dlq.name}, left in place (--json for full bodies and attributes)`,
        );
      },
      { announce: 'table' },
    ),
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const redrive = defineCommand({
  meta: { name: 'redrive', description: 'Move a DLQ’s messages back (a message move task), with progress' },
  args: {
    ...connectionArgs,
    ...queueArg,
    to: {
      type: 'string',
      description: 'Destination queue (default: the only source queue, else each origin)',
    },
    rate: { type: 'string', description: 'Messages per second (1–500; default: as fast as SQS goes)' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const rate = intOption(args, 'rate', 1, 500);
        const { dlq, sources } = await deadLetterSetup(client, String(args.queue));
        const destination =
          typeof args.to === 'string'
            ? await resolveQueue(client, args.to)
            : sources.length === 1
              ? sources[0]
              : undefined;
        await about(
          dlq.name,
          client.startMessageMoveTask({
            SourceArn: dlq.arn,
            ...(destination ? { DestinationArn: destination.arn } : {}),
            ...(rate ? { MaxNumberOfMessagesPerSecond: rate } : {}),
          }),
        );
        let cancel: Promise<unknown> | undefined;
        const onSigint = () => {
          cancel ??= client
            .listMessageMoveTasks({ SourceArn: dlq.arn, MaxResults: 1 })
            .then(({ Results }) => Results[0]?.TaskHandle)
            .then((TaskHandle) => (TaskHandle ? client.cancelMessageMoveTask({ TaskHandle }) : undefined))
            .catch(() => {});
        };
        process.once('SIGINT', onSigint);
        const bar = c.json
          ? undefined
          : progress(process.stdout, `${dlq.name} → ${destination?.name ?? 'origins'}`);
        try {
          for (;;) {
            const { Results } = await client.listMessageMoveTasks({ SourceArn: dlq.arn, MaxResults: 1 });
            const task = Results[0];
            if (!task) throw new Error(`the move task on ${dlq.name} is not listed`);
            bar?.update(task.ApproximateNumberOfMessagesMoved, task.ApproximateNumberOfMessagesToMove);
            if (task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
              bar?.finish();
              const result = {
                dlq: dlq.name,
                destination: destination?.name ?? null,
                status: task.Status,
                moved: task.ApproximateNumberOfMessagesMoved,
                toMove: task.ApproximateNumberOfMessagesToMove ?? null,
                ...(task.FailureReason ? { failureReason: task.FailureReason } : {}),
              };
              if (task.Status === 'COMPLETED' || c.json)
                print(
                  c.json,
                  result,
                  () => `redrive of ${dlq.name} completed: ${result.moved} message(s) moved`,
                );
              if (task.Status === 'COMPLETED') return;
              throw new Error(
                `redrive of ${dlq.name} ${task.Status.toLowerCase()} after ${result.moved} message(s)${task.FailureReason ? `: ${task.FailureReason}` : ''}`,
              );
            }
            await sleep(250);
          }
        } finally {
          process.off('SIGINT', onSigint);
          await cancel;
        }
      },
      { announce: 'always' },
    ),
});

export default defineCommand({
  meta: { name: 'dlq', description: 'Inspect dead-letter queues and redrive their messages' },
  subCommands: { list, show, redrive },
});
