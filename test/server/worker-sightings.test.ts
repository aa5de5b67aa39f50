/**
 * What the server makes of a sluice worker's requests (src/server/worker-sightings.ts), on a clock the
 * test moves: who it is, what it holds, when a held message counts as failed. The end-to-end path (real
 * workers over HTTP) is in test/dashboard/api.test.ts and browser.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WorkerSightings } from '../../src/server/worker-sightings.ts';

const URL = 'http://127.0.0.1:9324/000000000000/jobs';

describe('WorkerSightings', () => {
  it('reads the worker id from the SDK’s User-Agent, and nothing from other clients', () => {
    const ua =
      'aws-sdk-js/3.0.0 ua/2.1 os/linux lang/js md/nodejs#20.20.2 api/sqs#3.0.0 m/E sluice-worker/host-4711';
    assert.equal(WorkerSightings.idOf(ua), 'host-4711');
    assert.equal(WorkerSightings.idOf('aws-cli/2.15.0 Python/3.11'), undefined);
    assert.equal(WorkerSightings.idOf(undefined), undefined);
  });

  it('holds what it received until deleted, handed back, or its visibility runs out (failed)', () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const seen = new WorkerSightings(() => now);
    const received = (...handles: string[]) =>
      seen.observe(
        'w-1',
        'ReceiveMessage',
        { QueueUrl: URL, VisibilityTimeout: 30 },
        { Messages: handles.map((h) => ({ MessageId: `id-${h}`, ReceiptHandle: h })) },
      );
    received('a', 'b', 'c', 'd');
    now += 20_000;
    // A heartbeat extends b; c is handed back at once; a is deleted.
    seen.observe(
      'w-1',
      'ChangeMessageVisibilityBatch',
      {
        QueueUrl: URL,
        Entries: [
          { Id: '0', ReceiptHandle: 'b', VisibilityTimeout: 60 },
          { Id: '1', ReceiptHandle: 'c', VisibilityTimeout: 0 },
        ],
      },
      { Successful: [{ Id: '0' }, { Id: '1' }], Failed: [] },
    );
    seen.observe('w-1', 'DeleteMessage', { QueueUrl: URL, ReceiptHandle: 'a' }, {});
    assert.deepEqual(pick(seen.list()[0]), {
      inFlight: 2,
      received: 4,
      deleted: 1,
      handedBack: 1,
      failed: 0,
    });

    now += 11_000; // d ran out at 30 s; b holds until 80 s
    assert.deepEqual(pick(seen.list()[0]), {
      inFlight: 1,
      received: 4,
      deleted: 1,
      handedBack: 1,
      failed: 1,
    });

    // A dead letter it sends with the error it recorded is a failure; a plain send is not.
    seen.observe(
      'w-1',
      'SendMessageBatch',
      {
        QueueUrl: URL,
        Entries: [
          { Id: '0', MessageAttributes: { 'sluice.error': { DataType: 'String', StringValue: 'boom' } } },
          { Id: '1' },
        ],
      },
      { Successful: [{ Id: '0' }, { Id: '1' }] },
    );
    const [w] = seen.list();
    assert.equal(w?.failed, 2);
    assert.deepEqual(w?.queues, ['jobs']);
    // 2 failures within its first minute: per minute over at least a minute.
    assert.equal(w?.failedPerMinute, 2);

    now += 61 * 60_000;
    assert.deepEqual(seen.list(), [], 'forgotten after an hour unseen');
  });
});

function pick(w: ReturnType<WorkerSightings['list']>[number] | undefined) {
  return (
    w && {
      inFlight: w.inFlight,
      received: w.received,
      deleted: w.deleted,
      handedBack: w.handedBack,
      failed: w.failed,
    }
  );
}
