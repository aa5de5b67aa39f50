/** `sluice plan` as a real process: the field's numbers, refusals, and a measurement against a real server. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
} from '@aws-sdk/client-sqs';
import { amountOption } from '../../src/cli/common/options.ts';
import type { PlanReport } from '../../src/cli/plan.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { fails, ok, okJson } from './ops-harness.ts';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(() => t.close());

/** The value on a line of the human output that starts with `label`. */
const line = (text: string, label: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(label))
    ?.slice(label.length)
    .trim()
    .split(/\s{2,}/);

describe('amountOption', () => {
  const rows: [string, number][] = [
    ['43200', 43_200],
    ['2.8M', 2_800_000],
    ['2.8m', 2_800_000],
    ['600k', 600_000],
    ['43.2K', 43_200],
    ['11_200_000', 11_200_000],
    ['2,800,000', 2_800_000],
    ['1.5B', 1_500_000_000],
    ['0.05', 0.05],
    ['.4', 0.4],
    ['0', 0],
  ];
  for (const [text, n] of rows)
    it(`reads ${text} as ${n}`, () => assert.equal(amountOption({ x: text }, 'x', { example: '1' }), n));

  for (const text of ['lots', '', '-5', '1,5', '2.8MM', '5.', 'k', '1e6', '2.8 M'])
    it(`refuses "${text}" naming the flag`, () =>
      assert.throws(() => amountOption({ backlog: text }, 'backlog', { example: '2800000 or 2.8M' }), {
        message: `--backlog must be a number ≥ 0 like 2800000 or 2.8M, got "${text}"`,
      }));

  it('refuses 0 when positive, and falls back when absent', () => {
    assert.throws(
      () => amountOption({ x: '0' }, 'x', { example: '1', positive: true }),
      /must be a number > 0/,
    );
    assert.equal(amountOption({}, 'x', { example: '1', fallback: 7 }), 7);
  });
});

describe('sluice plan', () => {
  it("reproduces the field's 14-day drain: 19 workers, 14 keep up", async () => {
    const args = [
      'plan',
      '--backlog',
      '2.8M',
      '--incoming',
      '600k',
      '--per-worker',
      '43200',
      '--deadline',
      '14',
    ];
    const text = await ok(t, ...args);
    assert.deepEqual(line(text, 'workers needed')?.slice(0, 2), [
      '19',
      '(2800000 + 600000/day × 14 d) ÷ (43200/day × 14 d) = 18.52 → 19 workers (14 only keep up with arrivals)',
    ]);
    assert.equal(line(text, 'keep up')?.[0], '14');
    assert.deepEqual(line(text, 'with 19 workers')?.slice(0, 1), ['12.68 d']);
    assert.equal(line(text, 'can it ever drain')?.[0], 'yes');
    assert.deepEqual(line(text, 'monthly cost')?.slice(0, 1), ['$716.40']);
    // Every number the cost used is printed with its flag.
    for (const flag of [
      '--task-hour-price 0.05',
      '--sqs-price-per-million 0.4',
      '--requests-per-message 3',
      '--wait-seconds 20',
    ])
      assert.ok(text.includes(`  ${flag}  `), `${flag} missing:\n${text}`);
    assert.match(text, /730 h a month\s+AWS's convention/);
    assert.match(text, /SQS free tier\s+the first 1M requests\/month are not subtracted/);

    const r = await okJson<PlanReport>(t, ...args);
    assert.equal(r.needed?.workers, 19);
    assert.equal(r.keepUp, 14);
    assert.equal(r.minimumToDrain, 14);
    assert.equal(r.drain.length, 1);
    assert.equal(r.drain[0]?.workers, 19);
    assert.equal(Math.round(r.drain[0]!.days! * 100) / 100, 12.68);
    assert.equal(r.cost.workers, 19);
    assert.equal(r.cost.compute.dollars, 693.5);
    assert.equal(r.cost.messages.dollars, 21.9);
    assert.equal(r.cost.idlePolls.dollars, 1);
    assert.equal(r.cost.monthly, 716.4);
    assert.equal(r.cost.backlogOnce.dollars, 3.36);
    assert.deepEqual(r.assumptions.given, []);
  });

  it('reproduces 11.2M in 7 days: 38 workers', async () => {
    const r = await okJson<PlanReport>(
      t,
      ...['plan', '--backlog', '11.2M', '--incoming', '0', '--per-worker', '43200', '--deadline', '7d'],
    );
    assert.equal(r.needed?.workers, 38);
    assert.equal(r.deadlineDays, 7);
    assert.equal(Math.round(r.drain[0]!.days! * 100) / 100, 6.82);
    assert.equal(r.cost.compute.dollars, 1387);
  });

  it('with too few workers says it can never drain, beside the count needed', async () => {
    const args = ['plan', '--backlog', '2.8M', '--incoming', '600k', '--per-worker-rate', '0.5'];
    const text = await ok(t, ...args, '--deadline', '2w', '--workers', '10', '--task-hour-price', '0.0247');
    assert.equal(line(text, 'workers needed')?.[0], '19');
    assert.deepEqual(line(text, 'with 10 workers')?.slice(0, 1), ['never']);
    assert.deepEqual(line(text, 'can it ever drain'), [
      'no',
      'not with 10 workers; 14 or more outpace arrivals',
    ]);
    assert.match(text, /--task-hour-price 0\.0247\s+given \(default 0\.05/);
    assert.deepEqual(line(text, 'monthly cost'), ['$202.74', '10 workers all month']);

    const r = await okJson<PlanReport>(t, ...args, '--workers', '10');
    assert.equal(r.needed, null);
    assert.equal(r.perWorkerPerDay, 43_200);
    assert.deepEqual(
      r.drain.map((d) => [d.workers, d.state, d.canDrain, d.days, d.netPerDay]),
      [[10, 'grows', false, null, -168_000]],
    );
  });

  const refusals: [string, string[]][] = [
    [
      '--backlog must be a number ≥ 0 like 2800000 or 2.8M, got "lots"',
      ['--backlog', 'lots', '--incoming', '0', '--per-worker', '1', '--deadline', '1'],
    ],
    [
      '--per-worker must be a number > 0 like 43200 or 43.2k (per day), got "0"',
      ['--backlog', '1', '--incoming', '0', '--per-worker', '0', '--deadline', '1'],
    ],
    [
      '--deadline must be a time > 0 like 14 (days), 14d, 36h or 2w, got "soon"',
      ['--backlog', '1', '--incoming', '0', '--per-worker', '1', '--deadline', 'soon'],
    ],
    [
      'give one of --per-worker (messages/day per worker), --per-worker-rate (messages/s) or --measure <queue>',
      ['--backlog', '1', '--incoming', '0', '--deadline', '1'],
    ],
    [
      '--per-worker and --measure are alternatives; give one',
      ['--backlog', '1', '--incoming', '0', '--per-worker', '1', '--measure', 'q', '--deadline', '1'],
    ],
    [
      '--incoming is required: messages arriving per day (0 if none)',
      ['--backlog', '1', '--per-worker', '1', '--deadline', '1'],
    ],
    [
      'give --deadline (days to drain within) or --workers (to see how long N workers take)',
      ['--backlog', '1', '--incoming', '0', '--per-worker', '1'],
    ],
    [
      '--running needs --measure',
      ['--backlog', '1', '--incoming', '0', '--per-worker', '1', '--running', '2'],
    ],
    [
      '--measure needs --running N (the workers consuming it now)',
      ['--measure', 'q', '--incoming', '0', '--deadline', '1'],
    ],
    [
      '--wait-seconds must be an integer 1–20, got "0"',
      ['--backlog', '1', '--incoming', '0', '--per-worker', '1', '--deadline', '1', '--wait-seconds', '0'],
    ],
  ];
  it('refuses bad flags with one line naming the flag', async () => {
    for (const [reason, args] of refusals) await fails(t, `sluice: ${reason}`, 'plan', ...args);
  });

  it('--measure refuses a queue that does not exist', () =>
    fails(
      t,
      /^sluice: plan-nope: .*does not exist/,
      ...['plan', '--measure', 'plan-nope', '--running', '1', '--incoming', '0', '--deadline', '1'],
    ));

  it('--measure derives per-worker throughput while messages are deleted at a known pace', async () => {
    const { QueueUrl } = await t.sqs.send(new CreateQueueCommand({ QueueName: 'plan-measure' }));
    for (let i = 0; i < 2000; i += 10)
      await t.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: Array.from({ length: 10 }, (_, j) => ({ Id: String(j), MessageBody: `m${i + j}` })),
        }),
      );
    // The consumer: at most 5 messages every 100 ms (≤ 50/s, so ≤ 25/s for
    // each of the 2 workers the plan is told about), for as long as the CLI runs.
    let stop = false;
    let deleted = 0;
    const consumer = (async () => {
      while (!stop) {
        const { Messages = [] } = await t.sqs.send(
          new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 5, WaitTimeSeconds: 0 }),
        );
        if (Messages.length > 0) {
          await t.sqs.send(
            new DeleteMessageBatchCommand({
              QueueUrl,
              Entries: Messages.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
            }),
          );
          deleted += Messages.length;
        }
        await sleep(100);
      }
    })();
    let r: PlanReport;
    try {
      r = await okJson<PlanReport>(
        t,
        ...['plan', '--measure', 'plan-measure', '--running', '2', '--window', '2', '--incoming', '0'],
        ...['--deadline', '1'],
      );
    } finally {
      stop = true;
      await consumer;
    }
    const m = r.measured!;
    assert.equal(r.throughputFrom, 'measured');
    assert.equal(m.queue, 'plan-measure');
    assert.equal(m.running, 2);
    assert.ok(m.windowSeconds >= 2 && m.windowSeconds < 30, `window ${m.windowSeconds}`);
    assert.equal(m.processed, m.depthBefore - m.depthAfter, 'no arrivals: processed is the drop');
    assert.ok(m.processed > 0 && m.processed <= deleted, `${m.processed} of ${deleted} deleted`);
    // A sane range, not a timing assert: more than nothing, never above the consumer's cap.
    assert.ok(
      m.perWorkerPerSecond > 0 && m.perWorkerPerSecond <= 30,
      `${m.perWorkerPerSecond}/s per worker: ${m.reason}`,
    );
    assert.equal(r.perWorkerPerDay, Math.round(m.perWorkerPerDay * 100) / 100);
    assert.match(m.reason, /^\(\d+ − \d+\) ÷ 2 workers ÷ [\d.]+ s = /);
    // No --backlog: the backlog is the depth measured at the end of the window.
    assert.equal(r.backlogFrom, 'measured');
    assert.equal(r.backlog, m.depthAfter);
    assert.ok(r.backlog > 0 && r.backlog < 2000);
    assert.ok(r.needed!.workers >= 1);
  });
});
