import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { ConfigError, healthHostDefault, readWorkerEnv } from '../../src/config/worker-env.ts';

/** Asserts that `env` is refused with exactly `message`. */
function refused(env: NodeJS.ProcessEnv, message: string) {
  assert.throws(
    () => readWorkerEnv(env),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.name, 'ConfigError');
      assert.equal(error.message, message);
      return true;
    },
  );
}

describe('readWorkerEnv', () => {
  it('gives the documented defaults for an empty environment, frozen', () => {
    const config = readWorkerEnv({}, () => false);
    assert.deepEqual(config, {
      endpoint: undefined,
      region: undefined,
      workerId: `${hostname()}-${process.pid}`,
      concurrency: 10,
      batchSize: 10,
      visibilityTimeout: 30,
      pollIntervalMs: 1000,
      healthHost: '127.0.0.1',
      healthHostReason: 'not in a container (set WORKER_HEALTH_HOST=0.0.0.0 to be probed from outside)',
      healthPort: 3003,
      shutdownTimeoutMs: 30000,
      ecsAgentUri: undefined,
      taskProtection: true,
      taskProtectionMinutes: 60,
    });
    assert.ok(Object.isFrozen(config));
  });

  it('reads every variable', () => {
    const config = readWorkerEnv({
      SLUICE_ENDPOINT: 'http://127.0.0.1:9324',
      AWS_REGION: 'eu-west-3',
      WORKER_ID: 'pod-7f9c',
      WORKER_CONCURRENCY: '500',
      WORKER_BATCH_SIZE: '5',
      WORKER_VISIBILITY_TIMEOUT: '120',
      WORKER_POLL_INTERVAL_MS: '250',
      WORKER_HEALTH_HOST: '0.0.0.0',
      WORKER_HEALTH_PORT: '9000',
      WORKER_SHUTDOWN_TIMEOUT_MS: '25000',
      ECS_AGENT_URI: 'http://169.254.170.2/api/0123456789abcdef-1234567890',
      WORKER_TASK_PROTECTION: 'off',
      WORKER_TASK_PROTECTION_MINUTES: '15',
      UNRELATED: 'ignored',
    });
    assert.deepEqual(config, {
      endpoint: 'http://127.0.0.1:9324',
      region: 'eu-west-3',
      workerId: 'pod-7f9c',
      concurrency: 500,
      batchSize: 5,
      visibilityTimeout: 120,
      pollIntervalMs: 250,
      healthHost: '0.0.0.0',
      healthHostReason: 'WORKER_HEALTH_HOST',
      healthPort: 9000,
      shutdownTimeoutMs: 25000,
      ecsAgentUri: 'http://169.254.170.2/api/0123456789abcdef-1234567890',
      taskProtection: false,
      taskProtectionMinutes: 15,
    });
  });

  it('treats an empty value as unset', () => {
    const config = readWorkerEnv({ WORKER_CONCURRENCY: '', SLUICE_ENDPOINT: '', WORKER_ID: '' });
    assert.equal(config.concurrency, 10);
    assert.equal(config.endpoint, undefined);
    assert.equal(config.workerId, `${hostname()}-${process.pid}`);
  });

  describe('SLUICE_ENDPOINT and AWS_REGION', () => {
    it('accepts http and https URLs', () => {
      assert.equal(
        readWorkerEnv({ SLUICE_ENDPOINT: 'https://sqs.example.com' }).endpoint,
        'https://sqs.example.com',
      );
      assert.equal(readWorkerEnv({ SLUICE_ENDPOINT: 'http://[::1]:9324/' }).endpoint, 'http://[::1]:9324/');
    });
    it('refuses anything else', () => {
      const m = (v: string) => `SLUICE_ENDPOINT must be an http:// or https:// URL, got "${v}"`;
      for (const v of ['localhost:9324', 'ftp://example.com', 'not a url'])
        refused({ SLUICE_ENDPOINT: v }, m(v));
    });
    it('defaults the region to us-east-1 with an endpoint, and leaves it to the SDK without one', () => {
      assert.equal(readWorkerEnv({ SLUICE_ENDPOINT: 'http://localhost:9324' }).region, 'us-east-1');
      assert.equal(readWorkerEnv({}).region, undefined);
      assert.equal(readWorkerEnv({ AWS_REGION: 'us-gov-west-1' }).region, 'us-gov-west-1');
      assert.equal(readWorkerEnv({ AWS_REGION: 'local', SLUICE_ENDPOINT: 'http://x:1' }).region, 'local');
    });
    it('refuses a malformed region', () => {
      const m = (v: string) => `AWS_REGION must be a region name such as us-east-1, got "${v}"`;
      for (const v of ['US-EAST-1', 'us east 1', 'eu-west-1 ', '-us']) refused({ AWS_REGION: v }, m(v));
    });
  });

  describe('WORKER_ID', () => {
    it('accepts any 1–128 visible characters', () => {
      assert.equal(readWorkerEnv({ WORKER_ID: 'billing-worker-0.eu/α' }).workerId, 'billing-worker-0.eu/α');
      assert.equal(readWorkerEnv({ WORKER_ID: 'x'.repeat(128) }).workerId, 'x'.repeat(128));
    });
    it('refuses whitespace, control characters and more than 128 characters', () => {
      const m = (shown: string) => `WORKER_ID must be 1–128 characters without whitespace, got ${shown}`;
      refused({ WORKER_ID: 'my worker' }, m('"my worker"'));
      refused({ WORKER_ID: 'a\nb' }, m('"a\\nb"'));
      refused({ WORKER_ID: 'x'.repeat(129) }, m(`"${'x'.repeat(80)}…"`));
    });
  });

  const integers: [string, number, number, string, keyof ReturnType<typeof readWorkerEnv>][] = [
    ['WORKER_CONCURRENCY', 1, 10000, 'an integer 1–10000', 'concurrency'],
    ['WORKER_BATCH_SIZE', 1, 10, 'an integer 1–10', 'batchSize'],
    ['WORKER_VISIBILITY_TIMEOUT', 0, 43200, 'an integer 0–43200 (seconds)', 'visibilityTimeout'],
    ['WORKER_POLL_INTERVAL_MS', 0, 3600000, 'an integer 0–3600000 (milliseconds)', 'pollIntervalMs'],
    ['WORKER_HEALTH_PORT', 0, 65535, 'an integer 0–65535', 'healthPort'],
    ['WORKER_SHUTDOWN_TIMEOUT_MS', 0, 3600000, 'an integer 0–3600000 (milliseconds)', 'shutdownTimeoutMs'],
    ['WORKER_TASK_PROTECTION_MINUTES', 1, 2880, 'an integer 1–2880 (minutes)', 'taskProtectionMinutes'],
  ];
  for (const [variable, min, max, expected, field] of integers) {
    describe(variable, () => {
      it(`accepts ${min} and ${max}`, () => {
        assert.equal(readWorkerEnv({ [variable]: String(min) })[field], min);
        assert.equal(readWorkerEnv({ [variable]: String(max) })[field], max);
      });
      it('refuses values out of range and anything that is not a plain integer', () => {
        for (const v of [
          String(min - 1),
          String(max + 1),
          'abc',
          '1.5',
          '1e3',
          '0x10',
          ' 7',
          '+5',
          '99999999999999999999',
        ]) {
          refused({ [variable]: v }, `${variable} must be ${expected}, got ${JSON.stringify(v)}`);
        }
      });
    });
  }

  describe('ECS_AGENT_URI and WORKER_TASK_PROTECTION', () => {
    it('takes on or off, and an http URL for the agent', () => {
      assert.equal(readWorkerEnv({ WORKER_TASK_PROTECTION: 'on' }).taskProtection, true);
      assert.equal(readWorkerEnv({ WORKER_TASK_PROTECTION: 'off' }).taskProtection, false);
      assert.equal(readWorkerEnv({ WORKER_TASK_PROTECTION: '' }).taskProtection, true);
    });
    it('refuses anything else', () => {
      for (const v of ['false', 'OFF', '0'])
        refused({ WORKER_TASK_PROTECTION: v }, `WORKER_TASK_PROTECTION must be on or off, got "${v}"`);
      refused(
        { ECS_AGENT_URI: '169.254.170.2/api/x' },
        'ECS_AGENT_URI must be an http:// or https:// URL, got "169.254.170.2/api/x"',
      );
    });
  });

  it('gives the exact message of the style guide', () => {
    refused({ WORKER_CONCURRENCY: 'abc' }, 'WORKER_CONCURRENCY must be an integer 1–10000, got "abc"');
  });

  describe('WORKER_HEALTH_HOST', () => {
    it('accepts IP addresses and host names', () => {
      for (const v of ['0.0.0.0', '::', '::1', 'localhost', 'worker-0.svc.cluster.local']) {
        assert.equal(readWorkerEnv({ WORKER_HEALTH_HOST: v }).healthHost, v);
      }
    });
    it('refuses anything else', () => {
      for (const v of ['http://0.0.0.0', 'my host', '-x', '0.0.0.0:3003']) {
        refused(
          { WORKER_HEALTH_HOST: v },
          `WORKER_HEALTH_HOST must be an IP address or host name, got "${v}"`,
        );
      }
    });
  });

  it('reports every bad variable in one line, in a stable order, with the problems listed', () => {
    let caught: unknown;
    try {
      readWorkerEnv({ WORKER_HEALTH_PORT: '70000', WORKER_CONCURRENCY: '0', SLUICE_ENDPOINT: 'nope' });
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof ConfigError);
    assert.equal(
      caught.message,
      'SLUICE_ENDPOINT must be an http:// or https:// URL, got "nope"; ' +
        'WORKER_CONCURRENCY must be an integer 1–10000, got "0"; ' +
        'WORKER_HEALTH_PORT must be an integer 0–65535, got "70000"',
    );
    assert.doesNotMatch(caught.message, /\n/);
    assert.deepEqual(
      caught.problems.map((p) => p.variable),
      ['SLUICE_ENDPOINT', 'WORKER_CONCURRENCY', 'WORKER_HEALTH_PORT'],
    );
  });

  describe('WORKER_HEALTH_HOST unset: 0.0.0.0 in a container, so probes from outside reach it', () => {
    const files =
      (...present: string[]) =>
      (path: string) =>
        present.includes(path);
    for (const [env, exists, host, reason] of [
      [{}, files(), '127.0.0.1', /^not in a container/],
      [{ KUBERNETES_SERVICE_HOST: '10.96.0.1' }, files(), '0.0.0.0', /Kubernetes \(KUBERNETES_SERVICE_HOST/],
      [{ ECS_CONTAINER_METADATA_URI_V4: 'http://169.254.170.2/v4/x' }, files(), '0.0.0.0', /ECS/],
      [{ ECS_CONTAINER_METADATA_URI: 'http://169.254.170.2/v3/x' }, files(), '0.0.0.0', /ECS/],
      [{}, files('/.dockerenv'), '0.0.0.0', /\/\.dockerenv exists/],
      [{}, files('/run/.containerenv'), '0.0.0.0', /\/run\/\.containerenv exists/],
      [{ KUBERNETES_SERVICE_HOST: '' }, files(), '127.0.0.1', /^not in a container/],
    ] as const) {
      it(`${JSON.stringify(env)} ${exists('/.dockerenv') || exists('/run/.containerenv') ? '+ file ' : ''}→ ${host}`, () => {
        const d = healthHostDefault(env, exists);
        assert.equal(d.host, host);
        assert.match(d.reason, reason);
        const config = readWorkerEnv(env, exists);
        assert.deepEqual([config.healthHost, config.healthHostReason], [d.host, d.reason]);
      });
    }

    it('WORKER_HEALTH_HOST wins over the detection', () => {
      const config = readWorkerEnv(
        { WORKER_HEALTH_HOST: '127.0.0.1', KUBERNETES_SERVICE_HOST: 'x' },
        () => true,
      );
      assert.deepEqual([config.healthHost, config.healthHostReason], ['127.0.0.1', 'WORKER_HEALTH_HOST']);
    });
  });
});
