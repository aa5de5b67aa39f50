/**
 * `sluice stats [--watch [--interval S]] [--prefix P]`: per queue, messages
 * visible, in flight and delayed, the age of the oldest message, and the
 * dead-letter queue with its depth.
 *
 * Age of the oldest message: over the SQS API it is not a queue attribute
 * (Amazon SQS publishes it only as the CloudWatch metric
 * ApproximateAgeOfOldestMessage). A sluice server offers it at GET /stats,
 * which this command reads when the endpoint answers it; elsewhere it shows
 * "–" (JSON: null).
 * It does not peek to find out: a receive, even with VisibilityTimeout 0,
 * counts as a receive, so peeking would push messages towards their
 * queue's maxReceiveCount and the DLQ; and a standard queue's receive samples
 * servers, so the message it returns is not reliably the oldest. The age is
 * available in-process from `Store.stats()` (the dashboard, the scaler).
 *
 * `--watch` redraws the table every interval (on a terminal: clears the
 * screen; otherwise: one block per refresh; with --json: one JSON line per
 * refresh) until Ctrl-C, which exits 0.
 */
import { defineCommand } from 'citty';
import type { QueueClient } from '../client/queue-client.ts';
import { oldestAges } from '../client/server-stats.ts';
import { connectionArgs, targetOf, withClient } from './common/connection.ts';
import { intOption, stringOption } from './common/options.ts';
import { table } from './common/output.ts';
import { describeAll, describeQueue, type ResolvedQueue } from './common/queue.ts';

export interface QueueRow {
  name: string;
  url: string;
  visible: number;
  inFlight: number;
  delayed: number;
  /** From a sluice server's GET /stats; null over the plain SQS API (see the file's comment). */
  oldestAgeSeconds: number | null;
  dlq: { name: string; visible: number | null } | null;
}

const count = (q: ResolvedQueue, name: string) => Number(q.attributes[name] ?? 0);

/** Reads every queue's counts, a few requests at a time. */
async function collect(
  client: QueueClient,
  prefix: string | undefined,
  endpoint?: string,
): Promise<QueueRow[]> {
  const ages = await oldestAges(endpoint);
  const queues = await describeAll(client, prefix);
  const byArn = new Map(queues.map((q) => [q.arn, q]));
  const dlqDepth = async (arn: string, name: string): Promise<number | null> => {
    const known = byArn.get(arn);
    if (known) return count(known, 'ApproximateNumberOfMessages');
    try {
      const { QueueUrl } = await client.getQueueUrl({ QueueName: name });
      return count(await describeQueue(client, QueueUrl), 'ApproximateNumberOfMessages');
    } catch {
      return null; // the DLQ is gone or out of reach: shown as "–"
    }
  };
  const rows: QueueRow[] = [];
  for (const q of queues) {
    rows.push({
      name: q.name,
      url: q.url,
      visible: count(q, 'ApproximateNumberOfMessages'),
      inFlight: count(q, 'ApproximateNumberOfMessagesNotVisible'),
      delayed: count(q, 'ApproximateNumberOfMessagesDelayed'),
      oldestAgeSeconds: ages.get(q.name) ?? null,
      dlq: q.redrive
        ? { name: q.redrive.dlqName, visible: await dlqDepth(q.redrive.dlqArn, q.redrive.dlqName) }
        : null,
    });
  }
  return rows;
}

/** The human table for one snapshot. */
export function statsTable(rows: readonly QueueRow[]): string {
  if (rows.length === 0) return 'no queues';
  return table(
    ['QUEUE', 'VISIBLE', 'IN FLIGHT', 'DELAYED', 'OLDEST', 'DLQ', 'DLQ DEPTH'],
    rows.map((r) => [
      r.name,
      r.visible,
      r.inFlight,
      r.delayed,
      r.oldestAgeSeconds,
      r.dlq?.name,
      r.dlq ? r.dlq.visible : undefined,
    ]),
  );
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

export default defineCommand({
  meta: { name: 'stats', description: 'Messages visible, in flight, delayed and in DLQs, per queue' },
  args: {
    ...connectionArgs,
    prefix: { type: 'string', description: 'Only queues whose name starts with this' },
    watch: { type: 'boolean', description: 'Redraw every interval until Ctrl-C' },
    interval: { type: 'string', description: 'Seconds between redraws with --watch (1–3600, default 2)' },
  },
  run: ({ args }) =>
    withClient(
      args,
      async (client, c) => {
        const prefix = stringOption(args, 'prefix');
        const interval = intOption(args, 'interval', 1, 3600, 2)!;
        if (args.interval !== undefined && args.watch !== true) throw new Error('--interval needs --watch');
        if (args.watch !== true) {
          const rows = await collect(client, prefix, c.endpoint);
          process.stdout.write(c.json ? `${JSON.stringify(rows, null, 2)}\n` : `${statsTable(rows)}\n`);
          return;
        }
        const stop = new AbortController();
        const onSigint = () => stop.abort();
        process.once('SIGINT', onSigint);
        process.once('SIGTERM', onSigint);
        const tty = process.stdout.isTTY === true && !c.json;
        try {
          while (!stop.signal.aborted) {
            const rows = await collect(client, prefix, c.endpoint);
            const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
            if (c.json) process.stdout.write(`${JSON.stringify({ at, queues: rows })}\n`);
            else if (tty)
              process.stdout.write(
                `\x1b[H\x1b[2J${statsTable(rows)}\n\n${at} · ${targetOf(c)} · every ${interval}s · Ctrl-C to stop\n`,
              );
            else process.stdout.write(`${at}\n${statsTable(rows)}\n\n`);
            await sleep(interval * 1000, stop.signal);
          }
        } finally {
          process.off('SIGINT', onSigint);
          process.off('SIGTERM', onSigint);
        }
      },
      { announce: 'table' },
    ),
});
