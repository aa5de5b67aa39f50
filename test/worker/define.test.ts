import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import {
  DEFAULT_SETTINGS,
  defineWorker,
  isWorkerDefinition,
  withFallbackSettings,
} from '../../src/worker/define.ts';

const handler = async () => {};

describe('defineWorker', () => {
  it('fills in the defaults and freezes the result', () => {
    const def = defineWorker({ queue: 'jobs', handler });
    assert.equal(def.name, 'jobs');
    assert.deepEqual(def.queues, [{ queue: 'jobs', weight: 1 }]);
    assert.deepEqual(def.settings, DEFAULT_SETTINGS);
    assert.deepEqual(def.given, {});
    assert.ok(Object.isFrozen(def) && Object.isFrozen(def.settings) && Object.isFrozen(def.queues));
    assert.ok(isWorkerDefinition(def));
    assert.ok(!isWorkerDefinition({ ...def }) && !isWorkerDefinition(null));
    assert.throws(() => {
      (def as { name: string }).name = 'x';
    }, TypeError);
  });

  it('takes several weighted queues, a URL as a queue, and names the worker after them', () => {
    const def = defineWorker({
      queue: [{ queue: 'http://127.0.0.1:9324/000000000000/high', weight: 3 }, { queue: 'low' }],
      priority: 'strict',
      batchHandler: async () => {},
    });
    assert.equal(def.name, 'high+low');
    assert.deepEqual(def.queues, [
      { queue: 'http://127.0.0.1:9324/000000000000/high', weight: 3 },
      { queue: 'low', weight: 1 },
    ]);
    assert.equal(def.settings.priority, 'strict');
  });

  it('refuses a bad value naming the option, what was expected and what was given', () => {
    assert.throws(() => defineWorker({ queue: 'q', handler, concurrency: 0 }), {
      message: 'defineWorker: concurrency must be an integer 1–10000, got 0',
    });
    assert.throws(() => defineWorker({ queue: 'q', handler, batchSize: 11 }), {
      message: 'defineWorker: batchSize must be an integer 1–10, got 11',
    });
    assert.throws(() => defineWorker({ queue: 'q', handler, waitTimeSeconds: 2.5 }), {
      message: 'defineWorker: waitTimeSeconds must be an integer 0–20, got 2.5',
    });
    assert.throws(() => defineWorker({ queue: 'q', handler, priority: 'fair' as 'strict' }), {
      message: 'defineWorker: priority must be "weighted" or "strict", got "fair"',
    });
    assert.throws(
      () => defineWorker({ queue: '', handler }),
      /defineWorker: queue must be a queue name or URL/,
    );
    assert.throws(() => defineWorker({ queue: 'q', handler, backoff: { baseSeconds: 10, maxSeconds: 5 } }), {
      message: 'defineWorker: backoff.baseSeconds must be at most backoff.maxSeconds, got 10 > 5',
    });
  });

  it('refuses unknown options (a typo must not pass silently)', () => {
    assert.throws(
      () => defineWorker({ queue: 'q', handler, concurency: 5 } as never),
      /defineWorker: .*concurency/,
    );
  });

  it('wants exactly one of handler and batchHandler', () => {
    assert.throws(() => defineWorker({ queue: 'q' } as never), {
      message: 'defineWorker: give exactly one of handler and batchHandler',
    });
    assert.throws(() => defineWorker({ queue: 'q', handler, batchHandler: handler } as never), {
      message: 'defineWorker: give exactly one of handler and batchHandler',
    });
  });

  it('accepts any Standard Schema and types the body from it', () => {
    const def = defineWorker({
      queue: 'q',
      schema: z.object({ n: z.number() }),
      handler: (message) => {
        const n: number = message.body.n;
        return n;
      },
    });
    assert.equal(def.schema?.['~standard'].vendor, 'zod');
    assert.throws(
      () => defineWorker({ queue: 'q', handler, schema: {} as never }),
      /schema must be a Standard Schema/,
    );
  });

  it('fills unset settings from a fallback (the environment); what the definition sets wins', () => {
    const def = defineWorker({ queue: 'q', handler, concurrency: 50 });
    const filled = withFallbackSettings(def, { concurrency: 7, batchSize: 3, visibilityTimeout: 90 });
    assert.equal(filled.settings.concurrency, 50);
    assert.equal(filled.settings.batchSize, 3);
    assert.equal(filled.settings.visibilityTimeout, 90);
    assert.equal(filled.settings.waitTimeSeconds, 20);
    assert.equal(filled.handler, def.handler);
    assert.ok(isWorkerDefinition(filled));
    assert.throws(
      () =>
        withFallbackSettings(
          def,
          { visibilityTimeout: 0 },
          { visibilityTimeout: 'WORKER_VISIBILITY_TIMEOUT' },
        ),
      { message: 'WORKER_VISIBILITY_TIMEOUT must be an integer 1–43200, got 0' },
    );
  });
});
