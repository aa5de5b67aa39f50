/**
 * `sluice worker <file>` as a real process against a real server: it runs the
 * file's workers, drains on SIGTERM and exits 0 with nothing left in flight;
 * a bad file or variable is one line and exit 1.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';

const FIXTURE = 'test/cli/fixtures/recording-worker.ts';
/** What every `sluice worker` prints on stderr first on Node.js 20 (and nothing on 22+). */
const NODE_NOTICE =
  Number(process.versions.node.split('.')[0]) === 20
    ? 'sluice: Node.js 20 reached end of life on 2026-04-30; AWS SDK releases after early 2027 need Node.js 22 or later\n'
    : '';
let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

const cli = (args: string[], env: NodeJS.ProcessEnv): ChildProcess =>
  spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
    env: { ...process.env, SLUICE_ENDPOINT: t.url, WORKER_HEALTH_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

describe('sluice worker <file>', () => {
  it('runs the exported workers, and on SIGTERM drains and exits 0', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'cli-jobs' });
    for (let i = 0; i < 25; i++) await t.store.sendMessage({ QueueUrl, MessageBody: `job-${i}` });
    const record = join(t.dir, 'record.txt');
    const child = cli(['worker', FIXTURE], { RECORD_FILE: record, QUEUE_NAME: 'cli-jobs' });
    const code = exited(child);
    const lines = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n') : []);
    await eventually(() => lines().length >= 25, 'all 25 messages to be handled');
    child.kill('SIGTERM');
    assert.equal(await code, 0);
    assert.deepEqual(
      lines()
        .map((l) => l.split(' ')[1])
        .sort(),
      Array.from({ length: 25 }, (_, i) => `job-${i}`).sort(),
    );
    const [stats] = await t.store.stats('cli-jobs');
    assert.deepEqual([stats?.visible, stats?.inFlight], [0, 0], 'everything acknowledged, nothing in flight');
  });

  it('refuses a bad variable, a missing file and a file without workers, in one line each', () => {
    for (const [args, env, reason] of [
      [['worker', FIXTURE], { WORKER_CONCURRENCY: 'abc' }, /^sluice: WORKER_CONCURRENCY must be an integer/],
      [['worker', 'no/such/file.ts'], {}, /^sluice: no\/such\/file\.ts: no such file$/],
      [['worker', 'src/sqs/limits.ts'], {}, /exports no worker/],
    ] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        env: { ...process.env, SLUICE_ENDPOINT: t.url, WORKER_HEALTH_PORT: '0', ...env },
        encoding: 'utf8',
      });
      assert.equal(run.status, 1, args.join(' '));
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, reason);
    }
  });
});

describe('sluice worker: refusals at start', () => {
  /** Runs `sluice worker` to its end (not spawnSync: the server runs in this process); stderr and code. */
  async function run(args: string[], env: NodeJS.ProcessEnv) {
    const child = cli(args, env);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited(child);
    clearTimeout(timer);
    return { code, stderr };
  }

  it('a queue that does not exist: one line naming it and the endpoint, exit 1', async () => {
    const { code, stderr } = await run(['worker', FIXTURE], { QUEUE_NAME: 'no-such-queue' });
    assert.equal(code, 1);
    assert.equal(
      stderr.replace(NODE_NOTICE, ''),
      `sluice: no such queue at ${t.url}: no-such-queue (create it first, e.g. sluice queues create no-such-queue)\n`,
    );
  });
});

describe('sluice worker: a file that does not load', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-load-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const stderrOf = async (file: string) => {
    const child = cli(['worker', file], {});
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited(child);
    clearTimeout(timer);
    assert.equal(code, 1, stderr);
    return stderr.replace(NODE_NOTICE, '');
  };

  it('a .ts worker in a CommonJS package: says what to change', async () => {
    writeFileSync(join(dir, 'package.json'), '{ "name": "cjs-app" }\n');
    const file = join(dir, 'x.ts');
    writeFileSync(
      file,
      `import { defineWorker } from '${resolve('src/index.ts')}';\nawait Promise.resolve();\nexport const w = defineWorker({ queue: 'q', handler: () => {} });\n`,
    );
    assert.equal(
      await stderrOf(file),
      `sluice: ${file} is loaded as CommonJS: add "type": "module" to ${join(dir, 'package.json')} or rename it to .mts\n`,
    );
  });

  it('a syntax error in x.mts names x.mts, line and column', async () => {
    const file = join(dir, 'y.mts');
    writeFileSync(file, 'export const a = 1;\nexport const b = (1;\n');
    assert.equal(await stderrOf(file), `sluice: ${file}:2:20: Expected ")" but found ";"\n`);
  });
});

describe('sluice worker: the health port', () => {
  it('taken: says it is the health port and which setting moves it, exit 1', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'port-taken' });
    assert.ok(QueueUrl);
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    after(() => taken.close());
    const { port } = taken.address() as AddressInfo;
    const child = cli(['worker', FIXTURE], {
      QUEUE_NAME: 'port-taken',
      WORKER_HEALTH_HOST: '127.0.0.1',
      WORKER_HEALTH_PORT: String(port),
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await exited(child);
    clearTimeout(timer);
    assert.equal(code, 1);
    assert.equal(
      stderr.replace(NODE_NOTICE, ''),
      `sluice: health port ${port} is in use (set WORKER_HEALTH_PORT to move it)\n`,
    );
  });

  it('the log says which host the health server listens on, and why', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'health-host' });
    assert.ok(QueueUrl);
    const child = cli(['worker', FIXTURE], { QUEUE_NAME: 'health-host', WORKER_HEALTH_HOST: '127.0.0.1' });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = exited(child);
    try {
      await eventually(() => stdout.includes('"workers running"'), 'the workers to run');
    } finally {
      child.kill('SIGTERM');
    }
    assert.equal(await code, 0);
    assert.match(stdout, /"healthHost":"127\.0\.0\.1: WORKER_HEALTH_HOST"/);
  });
});

describe('sluice worker on Node.js before 22', () => {
  const major = Number(process.versions.node.split('.')[0]);
  let stderr: Promise<string> | undefined;
  /** One run of a worker to its end: what it wrote on stderr. */
  const runOnce = () => {
    stderr ??= (async () => {
      const { QueueUrl } = await t.store.createQueue({ QueueName: 'node-notice' });
      await t.store.sendMessage({ QueueUrl, MessageBody: 'x' });
      const record = join(t.dir, 'node-notice.txt');
      const child = cli(['worker', FIXTURE], { RECORD_FILE: record, QUEUE_NAME: 'node-notice' });
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      const code = exited(child);
      try {
        await eventually(() => existsSync(record), 'the message to be handled');
      } finally {
        child.kill('SIGTERM');
      }
      await code;
      return err;
    })();
    return stderr;
  };

  it('the AWS SDK’s nine-line NodeVersionSupportWarning is never printed', async () => {
    assert.doesNotMatch(await runOnce(), /NodeVersionSupportWarning/);
  });

  it('prints one line of its own about Node.js 20’s end of life, once', async (c) => {
    if (major >= 22) return c.skip(`Node.js ${major} is supported by the AWS SDK: no line is due`);
    assert.equal(await runOnce(), NODE_NOTICE);
  });
});

describe('sluice worker: stopping a handler that ignores ctx.signal', () => {
  const STUBBORN = 'test/cli/fixtures/stubborn-worker.ts';
  let n = 0;

  /** A worker on a fresh queue with one message, its handler running (it never finishes on its own in time). */
  async function started(env: NodeJS.ProcessEnv) {
    const queue = `stubborn-${++n}`;
    const { QueueUrl } = await t.store.createQueue({ QueueName: queue });
    await t.store.sendMessage({ QueueUrl, MessageBody: 'job' });
    const files = {
      STARTED_FILE: join(t.dir, `${queue}.started`),
      MARKER_FILE: join(t.dir, `${queue}.marker`),
    };
    const child = cli(['worker', STUBBORN], { QUEUE_NAME: queue, HANDLER_MS: '60000', ...files, ...env });
    let stdout = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = exited(child);
    await eventually(() => existsSync(files.STARTED_FILE), 'the handler to start');
    const handedBack = async () => {
      const [s] = await t.store.stats(queue);
      return s?.visible === 1 && s.inFlight === 0;
    };
    return { child, code, files, handedBack, log: () => stdout };
  }
  const running: ChildProcess[] = [];
  after(() => {
    for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('exits 1 soon after WORKER_SHUTDOWN_TIMEOUT_MS, the message handed back, the side effect never done', async () => {
    const w = await started({ WORKER_SHUTDOWN_TIMEOUT_MS: '1500' });
    running.push(w.child);
    const sentAt = Date.now();
    w.child.kill('SIGINT');
    let code: number | null | undefined;
    void w.code.then((c) => (code = c));
    await eventually(() => code !== undefined, 'the worker to exit', { withinMs: 20_000, detail: w.log });
    assert.equal(code, 1, 'handlers were abandoned');
    assert.ok(Date.now() - sentAt >= 1500, 'not before the timeout');
    assert.ok(await w.handedBack(), 'the message is visible again');
    assert.equal(existsSync(w.files.MARKER_FILE), false, 'the abandoned handler died with the process');
    assert.match(w.log(), /shutdownTimeoutMs \(1500\) passed/);
  });

  it('a second SIGINT during the drain exits 130 at once, the message handed back', async () => {
    const w = await started({ WORKER_SHUTDOWN_TIMEOUT_MS: '600000' });
    running.push(w.child);
    w.child.kill('SIGINT');
    await eventually(() => w.log().includes('draining'), 'the drain to begin', { detail: w.log });
    w.child.kill('SIGINT');
    let code: number | null | undefined;
    void w.code.then((c) => (code = c));
    await eventually(() => code !== undefined, 'the worker to exit', { withinMs: 20_000, detail: w.log });
    assert.equal(code, 130);
    assert.ok(await w.handedBack(), 'the message is visible again');
    assert.equal(existsSync(w.files.MARKER_FILE), false);
  });

  it('SIGINT then SIGTERM (Ctrl-C under sluice scale, then its supervisor) does not cut the drain short', async () => {
    const w = await started({ WORKER_SHUTDOWN_TIMEOUT_MS: '600000', HANDLER_MS: '2000' });
    running.push(w.child);
    w.child.kill('SIGINT');
    await eventually(() => w.log().includes('draining'), 'the drain to begin', { detail: w.log });
    w.child.kill('SIGTERM');
    assert.equal(await w.code, 0);
    assert.equal(existsSync(w.files.MARKER_FILE), true, 'the handler finished');
  });
});
