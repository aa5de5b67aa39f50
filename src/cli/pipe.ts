/**
 * `sluice pipe <queue> [options] -- <command> [args…]`: a zero-scale pipe
 * (src/scale/pipe.ts). Nothing runs while the queue is empty; each batch runs
 * the command once (no shell) with the batch in SQS_BODY (or, too big for
 * it, in the file SQS_BODY_FILE names), a JSON array of records shaped as
 * EventBridge Pipes delivers SQS messages. Exit 0 deletes the batch but the
 * records the command lists in SQS_RESULT_FILE (Lambda's batchItemFailures);
 * anything else leaves it for retry (and, after maxReceiveCount, for the
 * queue's DLQ).
 *
 *   --batch-size N          1–10000, default 10 (above 10 needs --window ≥ 1)
 *   --window S              batching window, 0–300 s, default 0
 *   --max-children N        children at once, 1–1000, default 1
 *   --visibility-timeout S  the receive's, renewed while a child runs
 *                           (default: the queue's VisibilityTimeout)
 *   --env KEY=VALUE         added to the children's environment (repeatable)
 *   --log-level L           sluice's own JSON lines on stderr (default warn)
 *
 * The child inherits sluice's environment and stdio. SIGTERM/SIGINT: no new
 * receive, SIGTERM to each child, wait for them (their batches settled as
 * usual), exit 0; a second signal ends sluice at once. A command that is not
 * found or not executable is one line and exit 1, before anything is received.
 */
import { defineCommand } from 'citty';
import { createLogger } from '../observe/logger.ts';
import { type PipeCommand, runPipe } from '../scale/pipe.ts';
import {
  BATCH_SIZE,
  batchingProblem,
  MAX_CHILDREN,
  VISIBILITY_TIMEOUT,
  WINDOW_SECONDS,
} from '../scale/pipe-options.ts';
import { connectionArgs, withClient } from './common/connection.ts';
import { intOption, repeated, stringOption } from './common/options.ts';
import { resolveQueue } from './common/queue.ts';

const USAGE = 'sluice pipe <queue> [options] -- <command> [args…]';

/** The queue (before `--`) and the command (after it). */
export function commandLine(
  positionals: readonly string[],
  rawArgs: readonly string[],
): { queue: string; command: PipeCommand } {
  const dash = rawArgs.indexOf('--');
  const after = dash < 0 ? [] : rawArgs.slice(dash + 1);
  const [file, ...args] = after;
  if (file === undefined || file === '') throw new Error(`missing the command after --: ${USAGE}`);
  const before = positionals.slice(0, positionals.length - after.length);
  if (before.length === 0) throw new Error(`missing the queue: ${USAGE}`);
  if (before.length > 1) throw new Error(`unexpected "${before[1]}" before --: ${USAGE}`);
  return { queue: before[0]!, command: Object.freeze({ file, args: Object.freeze(args) }) };
}

/** `--env KEY=VALUE` values as an object; SQS_BODY, SQS_BODY_FILE and SQS_RESULT_FILE are the pipe's own. */
export function envOverrides(values: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const value of values) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(value);
    if (!match) throw new Error(`--env must be KEY=VALUE, got "${value}"`);
    const [, key, v] = match as unknown as [string, string, string];
    if (key === 'SQS_BODY' || key === 'SQS_BODY_FILE' || key === 'SQS_RESULT_FILE')
      throw new Error(`--env cannot set ${key}: the pipe sets it for each batch`);
    env[key] = v;
  }
  return env;
}

/** Shown after `sluice pipe [OPTIONS] <QUEUE>` in `--help` (common/usage.ts). */
const usageTail = '-- <command> [args...]';

const command = defineCommand({
  meta: {
    name: 'pipe',
    description: 'Run a command per batch of messages (in SQS_BODY); nothing runs while the queue is empty',
  },
  args: {
    endpoint: connectionArgs.endpoint,
    region: connectionArgs.region,
    queue: { type: 'positional', required: true, description: 'Queue name or URL; the command follows --' },
    'batch-size': {
      type: 'string',
      description: 'Messages per batch, 1–10000 (default 10; above 10 needs --window)',
    },
    window: { type: 'string', description: 'Seconds to gather a batch, 0–300 (default 0: one receive)' },
    'max-children': { type: 'string', description: 'Commands running at once, 1–1000 (default 1)' },
    'visibility-timeout': {
      type: 'string',
      description: "Seconds a batch is hidden, renewed while its command runs (default: the queue's)",
    },
    env: { type: 'string', description: 'KEY=VALUE for the command’s environment (repeatable)' },
    'log-level': {
      type: 'string',
      description: "sluice's own log lines on stderr: info, warn, … (default warn)",
    },
  },
  async run({ args, rawArgs }) {
    const { queue: ref, command } = commandLine(args._.map(String), rawArgs);
    const batchSize = intOption(args, 'batch-size', BATCH_SIZE.min, BATCH_SIZE.max, BATCH_SIZE.default)!;
    const windowSeconds = intOption(
      args,
      'window',
      WINDOW_SECONDS.min,
      WINDOW_SECONDS.max,
      WINDOW_SECONDS.default,
    )!;
    const problem = batchingProblem(batchSize, windowSeconds);
    if (problem) throw new Error(problem);
    const maxChildren = intOption(
      args,
      'max-children',
      MAX_CHILDREN.min,
      MAX_CHILDREN.max,
      MAX_CHILDREN.default,
    )!;
    const visibility = intOption(args, 'visibility-timeout', VISIBILITY_TIMEOUT.min, VISIBILITY_TIMEOUT.max);
    const env = Object.freeze({ ...process.env, ...envOverrides(repeated(rawArgs, 'env')) });
    const log = createLogger({
      level: stringOption(args, 'log-level') ?? 'warn',
      destination: process.stderr,
    });
    await withClient(args, async (client) => {
      const queue = await resolveQueue(client, ref);
      const visibilityTimeout = visibility ?? Number(queue.attributes.VisibilityTimeout ?? 30);
      if (visibilityTimeout < VISIBILITY_TIMEOUT.min)
        throw new Error(
          `${ref}: its VisibilityTimeout is ${visibilityTimeout}; set --visibility-timeout (${VISIBILITY_TIMEOUT.min}–${VISIBILITY_TIMEOUT.max})`,
        );
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
      // The pipe's own timers do not hold the process open (the clock's are unref'd); this does, until it ends.
      const keepAlive = setInterval(() => {}, 1 << 30);
      try {
        await runPipe({
          client,
          queue: { url: queue.url, arn: queue.arn },
          command,
          env,
          batchSize,
          windowSeconds,
          maxChildren,
          visibilityTimeout,
          signal: stop.signal,
          log,
        });
      } finally {
        clearInterval(keepAlive);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      }
    });
  },
});

export default Object.assign(command, { usageTail });
