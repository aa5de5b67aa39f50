/**
 * `sluice send <queue> …`: one message, or many, to a queue by name or URL.
 *
 *   sluice send jobs '{"id":1}' [--group ID] [--dedup ID] [--delay S]
 *                               [--attr key=value …]
 *   sluice send jobs --file messages.ndjson     one message per line
 *   producer | sluice send jobs                 one per line of stdin (or --file -)
 *   sluice send jobs '{"id":{{i}}}' --count 1000
 *
 * `@path` reads one body from a file (`@-` from stdin). An attribute is a
 * String unless written `key:Number=42` (or `key:String=…`).
 *
 * Many messages: each line is one body, verbatim (empty lines are skipped;
 * line numbers count them). `--count N` sends the body N times, `{{i}}`
 * replaced by 1…N; `{{i}}` in --group and --dedup is replaced too (the line
 * number, with --file). They go out in SendMessageBatch requests of 10, 8
 * requests in flight (common/send-many.ts; one at a time to a FIFO queue, to
 * keep the order of the input), with a progress bar on a
 * terminal; every message SQS refuses is reported with its line (or index)
 * and SQS's reason, and the command then exits 1.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { defineCommand } from 'citty';
import { currentTracing, environmentTraceHeader, traceHeaderAttribute } from '../observe/tracing.ts';
import type { MessageAttributeMap, SendMessageInput } from '../sqs/types.ts';
import { messages } from './common/confirm.ts';
import { connectionArgs, reasonOf, withClient } from './common/connection.ts';
import { intOption, repeated, stringOption } from './common/options.ts';
import { print, table } from './common/output.ts';
import { progress } from './common/progress.ts';
import { about, resolveQueue } from './common/queue.ts';
import { type Outgoing, sendMany } from './common/send-many.ts';

/** `key=value` / `key:Type=value` → message attributes; throws naming the bad one. */
export function parseAttributes(specs: readonly string[]): MessageAttributeMap {
  const attributes: MessageAttributeMap = {};
  for (const spec of specs) {
    const match = /^([^=:]+)(?::(String|Number)(?:\.[^=]+)?)?=(.*)$/s.exec(spec);
    if (!match) throw new Error(`--attr must be key=value or key:Number=value, got "${spec}"`);
    const [, key, type = 'String', value = ''] = match;
    if (type === 'Number' && !Number.isFinite(Number(value)))
      throw new Error(`--attr ${key} is a Number, got "${value}"`);
    attributes[key!] = { DataType: type, StringValue: value };
  }
  return attributes;
}

function bodyOf(text: string): string {
  if (!text.startsWith('@')) return text;
  const path = text.slice(1);
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (e) {
    throw new Error(`${text}: cannot read the body (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Non-empty lines of a file or stdin (`-`), numbered from 1, as they are read. */
async function* linesOf(path: string): AsyncGenerator<{ n: number; body: string }> {
  const input = path === '-' ? process.stdin : createReadStream(path, 'utf8');
  const opened = new Promise<void>((resolve, reject) => {
    if (path === '-') return resolve();
    input.once('open', () => resolve());
    input.once('error', (e: NodeJS.ErrnoException) =>
      reject(new Error(`--file ${path}: cannot read it (${e.code ?? e.message})`)),
    );
  });
  await opened;
  let n = 0;
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    n++;
    if (line !== '') yield { n, body: line };
  }
}

async function* repeat(template: string, count: number): AsyncGenerator<{ n: number; body: string }> {
  for (let n = 1; n <= count; n++) yield { n, body: template.replaceAll('{{i}}', String(n)) };
}

export default defineCommand({
  meta: { name: 'send', description: 'Send a message, or many (--file, stdin, --count), to a queue' },
  args: {
    ...connectionArgs,
    queue: { type: 'positional', required: true, description: 'Queue name or URL' },
    body: {
      type: 'positional',
      required: false,
      description: 'Message body, or @file to read it (@- stdin); none: one message per line of stdin',
    },
    file: { type: 'string', description: 'Send one message per line of this file (- for stdin)' },
    count: { type: 'string', description: 'Send the body N times, {{i}} replaced by 1…N (1–1000000)' },
    group: { type: 'string', description: 'MessageGroupId (FIFO queues; {{i}}: the line or index)' },
    dedup: { type: 'string', description: 'MessageDeduplicationId (FIFO queues; {{i}} as for --group)' },
    delay: { type: 'string', description: 'DelaySeconds (0–900)' },
    attr: { type: 'string', description: 'Message attribute key=value or key:Number=value (repeatable)' },
  },
  run: ({ args, rawArgs }) =>
    withClient(
      args,
      async (client, c) => {
        const attributes = parseAttributes(repeated(rawArgs, 'attr'));
        const delay = intOption(args, 'delay', 0, 900);
        const group = stringOption(args, 'group');
        const dedup = stringOption(args, 'dedup');
        const file = stringOption(args, 'file');
        const count = intOption(args, 'count', 1, 1_000_000);
        const body = typeof args.body === 'string' ? args.body : undefined;
        if (file !== undefined && body !== undefined) throw new Error('give a body or --file, not both');
        if (count !== undefined && body === undefined) throw new Error('--count needs a body (its template)');
        if (file === undefined && body === undefined && process.stdin.isTTY === true)
          throw new Error('give a body, --file FILE, or messages on stdin (one per line)');
        const template = body === undefined ? undefined : bodyOf(body);
        // The trace this command runs in (an active span, else TRACEPARENT) continues in the worker.
        const traced = traceHeaderAttribute(
          currentTracing().activeTraceHeader() ?? environmentTraceHeader(process.env),
        );

        const queue = await resolveQueue(client, String(args.queue));
        const entryOf = (MessageBody: string, n?: number): Omit<SendMessageInput, 'QueueUrl'> => {
          const at = (text: string) => (n === undefined ? text : text.replaceAll('{{i}}', String(n)));
          return {
            MessageBody,
            ...(Object.keys(attributes).length ? { MessageAttributes: attributes } : {}),
            ...(delay !== undefined ? { DelaySeconds: delay } : {}),
            ...(group !== undefined ? { MessageGroupId: at(group) } : {}),
            ...(dedup !== undefined ? { MessageDeduplicationId: at(dedup) } : {}),
            ...traced,
          };
        };

        if (template !== undefined && count === undefined) {
          const sent = await about(
            queue.name,
            client.sendMessage({ QueueUrl: queue.url, ...entryOf(template) }),
          );
          const result = {
            queue: queue.name,
            messageId: sent.MessageId,
            md5OfBody: sent.MD5OfMessageBody,
            ...(sent.SequenceNumber ? { sequenceNumber: sent.SequenceNumber } : {}),
          };
          print(c.json, result, () =>
            table(['QUEUE', 'MESSAGE ID', 'SEQUENCE'], [[queue.name, sent.MessageId, sent.SequenceNumber]]),
          );
          return;
        }

        const what = count !== undefined ? 'message' : 'line';
        const bodies = template !== undefined ? repeat(template, count!) : linesOf(file ?? '-');
        async function* outgoing(): AsyncGenerator<Outgoing> {
          for await (const { n, body } of bodies) yield { n, entry: entryOf(body, n) };
        }
        const bar = process.stderr.isTTY ? progress(process.stderr, `→ ${queue.name}`, 'sent') : undefined;
        let drawn = 0;
        const result = await sendMany(client, queue.url, outgoing(), {
          // A FIFO queue keeps the order it receives: one request at a time.
          inFlight: queue.attributes.FifoQueue === 'true' ? 1 : 8,
          onProgress: (done) => {
            if (Date.now() - drawn < 100) return;
            drawn = Date.now();
            bar?.update(done, count);
          },
        });
        const total = result.sent + result.failures.length;
        bar?.update(total, count);
        bar?.finish();
        if (total === 0 && result.stopped === undefined)
          throw new Error(
            `nothing to send: ${file === undefined || file === '-' ? 'stdin' : file} has no lines`,
          );
        for (const f of result.failures) process.stderr.write(`sluice: ${what} ${f.n}: ${f.reason}\n`);
        print(
          c.json,
          {
            queue: queue.name,
            sent: result.sent,
            failed: result.failures.map((f) => ({ [what]: f.n, code: f.code, reason: f.reason })),
          },
          () =>
            `sent ${result.failures.length > 0 ? `${result.sent} of ${messages(total)}` : messages(result.sent)} to ${queue.name}`,
        );
        if (result.stopped !== undefined)
          throw new Error(`${reasonOf(result.stopped, c)} (stopped after sending ${messages(result.sent)})`, {
            cause: result.stopped,
          });
        if (result.failures.length > 0)
          throw new Error(`${result.failures.length} of ${messages(total)} not sent`);
      },
      { announce: 'always' },
    ),
});
