/**
 * The supervisor's decisions in queue tags: each value is one SQS accepts (at
 * most 256 characters of letters, digits, spaces and `_ . : / = + - @`) and
 * reads back as written; a DecisionTags keeps the last five on a real
 * server's queue through a real AWS SDK client, newest at `:1`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { awsClient } from '../../src/client/aws.ts';
import {
  DECISIONS_KEPT,
  DecisionTags,
  decisionsInTags,
  decodeDecision,
  encodeDecision,
} from '../../src/scale/decision-tags.ts';
import { CREDENTIALS, startTestServer, type TestServer } from '../server/harness.ts';

const SQS_TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u;
const AT = Date.parse('2026-12-02T06:37:21.500Z');

describe('scaling decisions as queue tags', () => {
  it('writes a reason with any characters in a value SQS accepts, and reads it back', () => {
    const d = {
      at: AT,
      from: 1,
      to: 5,
      reason:
        'target tracking: backlog 500 (visible 450 + inFlight 50) ÷ 100 per worker → 5; 100 % = ok, "x"',
    };
    const value = encodeDecision(d);
    assert.match(value, SQS_TAG_VALUE);
    assert.match(value, /^2026-12-02T06:37:21\.500Z 1 5 target tracking: backlog 500 =28visible/);
    assert.deepEqual(decodeDecision(value), d);
  });

  it('cuts a long reason to fit 256 characters, never inside an escape', () => {
    const reason = `scale-out cooldown: ${'→ '.repeat(200)}`;
    const value = encodeDecision({ at: AT, from: 3, to: 3, reason });
    assert.ok(value.length <= 256, `${value.length} characters`);
    assert.match(value, SQS_TAG_VALUE);
    const back = decodeDecision(value);
    assert.ok(back?.reason.endsWith('...'));
    assert.ok(reason.startsWith(back!.reason.slice(0, -3)));
  });

  it('finds each supervisor’s decisions among a queue’s tags, newest first', () => {
    const tags = {
      'sluice:schedule:nightly': '2026-12-02T03:00:00.000Z',
      'sluice:scale:push:2': encodeDecision({ at: AT, from: 1, to: 2, reason: 'older' }),
      'sluice:scale:push:1': encodeDecision({ at: AT + 1000, from: 2, to: 3, reason: 'newer' }),
      'sluice:scale:push:3': 'not a decision',
      team: 'payments',
    };
    assert.deepEqual(
      [...decisionsInTags(tags)].map(([prefix, ds]) => [prefix, ds.map((d) => d.reason)]),
      [['push', ['newer', 'older']]],
    );
  });

  describe('DecisionTags against a real server', () => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer();
    });
    after(() => t.close());

    it('keeps the last five on the queue, newest at :1, in the order they were made', async () => {
      const client = awsClient({ endpoint: t.url, region: 'us-east-1', credentials: CREDENTIALS });
      try {
        const { QueueUrl } = await client.createQueue({ QueueName: 'scaled' });
        await client.tagQueue({ QueueUrl, Tags: { team: 'payments' } });
        const tags = new DecisionTags({
          client,
          queueUrl: QueueUrl,
          prefix: 'pool',
          log: pino({ level: 'silent' }),
        });
        for (let i = 0; i < 7; i++)
          tags.record({ at: AT + i * 1000, from: i, to: i + 1, reason: `step ${i}` });
        await tags.flush();
        const { Tags = {} } = await client.listQueueTags({ QueueUrl });
        assert.equal(Tags.team, 'payments', 'other tags are left alone');
        assert.equal(decodeDecision(Tags['sluice:scale:pool:1'] ?? '')?.reason, 'step 6');
        assert.deepEqual(
          decisionsInTags(Tags)
            .get('pool')
            ?.map((d) => d.reason),
          ['step 6', 'step 5', 'step 4', 'step 3', 'step 2'].slice(0, DECISIONS_KEPT),
        );
      } finally {
        await client.close();
      }
    });

    it('logs a failed write once and goes on', async () => {
      const client = awsClient({ endpoint: t.url, region: 'us-east-1', credentials: CREDENTIALS });
      const warnings: unknown[] = [];
      const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });
      try {
        const tags = new DecisionTags({
          client,
          queueUrl: `${t.url}/000000000000/missing`,
          prefix: 'p',
          log,
        });
        tags.record({ at: AT, from: 0, to: 1, reason: 'a' });
        tags.record({ at: AT, from: 1, to: 2, reason: 'b' });
        await tags.flush();
        assert.equal(warnings.length, 1);
        assert.match(JSON.stringify(warnings[0]), /could not tag the queue with scaling decisions/);
      } finally {
        await client.close();
      }
    });
  });
});
