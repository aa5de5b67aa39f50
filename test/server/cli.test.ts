/**
 * `sluice server` as a process: it serves, survives a restart with its data
 * (durable store), drains on SIGTERM, and warns when exposed without --auth.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { serverConfig } from '../../src/cli/server.ts';
import { CREDENTIALS } from './harness.ts';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** Starts `sluice server …` and waits for its "listening on" line. */
function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'server', '--port', '0', ...args],
    {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (c: Buffer) => {
      stderr += c;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1]!, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

const stop = (r: Running) =>
  new Promise<number | null>((resolve) => {
    r.child.on('exit', (code) => resolve(code));
    r.child.kill('SIGTERM');
  });

const client = (url: string) =>
  new SQSClient({ endpoint: url, region: 'us-east-1', credentials: CREDENTIALS });

describe('sluice server (CLI)', () => {
  it('keeps messages across a SIGTERM and a restart on the same --data', async () => {
    const data = join(dir, 'data');
    const first = await startCli(['--data', data]);
    const sqs = client(first.url);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'durable' }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'survives' }));
    sqs.destroy();
    assert.equal(await stop(first), 0);
    assert.match(first.stderr(), /SIGTERM, finishing requests in flight/);

    const second = await startCli(['--data', data]);
    const again = client(second.url);
    const url = QueueUrl!.replace(first.url, second.url);
    const { Messages } = await again.send(new ReceiveMessageCommand({ QueueUrl: url }));
    assert.equal(Messages?.[0]?.Body, 'survives');
    again.destroy();
    assert.equal(await stop(second), 0);
  });

  it('warns loudly when bound beyond loopback without --auth, and hands out --advertise URLs', async () => {
    const open = await startCli(['--memory', '--host', '0.0.0.0']);
    assert.match(open.stderr(), /WARNING: sluice is listening on 0\.0\.0\.0 WITHOUT authentication/);
    await stop(open);
    const keys = join(dir, 'keys');
    writeFileSync(keys, '# test keys\nAKIDSLUICETEST:sluice-test-secret\n');
    const advertise = 'http://sluice.example:9324';
    const guarded = await startCli([
      '--memory',
      '--host',
      '0.0.0.0',
      '--auth-file',
      keys,
      '--advertise',
      advertise,
    ]);
    assert.doesNotMatch(guarded.stderr(), /WARNING/);
    assert.match(guarded.stderr(), /auth: 1 key/);
    // Queue URLs carry the advertised name; the SDK (with an explicit endpoint) still reaches the server.
    const sqs = client(guarded.url.replace('0.0.0.0', '127.0.0.1'));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'advertised' }));
    assert.equal(QueueUrl, `${advertise}/000000000000/advertised`);
    sqs.destroy();
    await stop(guarded);
  });

  it('checks its options once and names the bad one', () => {
    assert.throws(() => serverConfig({ port: 'abc' }, {}), /--port must be an integer 0–65535, got "abc"/);
    assert.throws(
      () => serverConfig({ memory: true, data: 'x' }, {}),
      /--memory and --data exclude each other/,
    );
    assert.throws(() => serverConfig({ advertise: 'sluice:9324' }, {}), /--advertise must be a URL/);
    assert.throws(
      () => serverConfig({ store: 'postgres://db/q', data: 'x' }, {}),
      /--store and --data exclude each other/,
    );
    assert.throws(
      () => serverConfig({ store: 'mysql://u:secret@db/q' }, {}),
      /^Error: --store: not a postgres:\/\/ URL: mysql:\/\/u:\*\*\*@db\/q$/,
    );
    assert.throws(
      () => serverConfig({ store: 'postgres://db/q?pool=0' }, {}),
      /--store: pool must be an integer 1–1000, got "0"/,
    );
    assert.equal(
      serverConfig({ store: 'postgres://db/q?statement_timeout=2000' }, {}).store,
      'postgres://db/q?statement_timeout=2000',
    );
    assert.throws(() => serverConfig({ auth: true }, {}), /SLUICE_AUTH_KEYS: no keys found/);
    assert.throws(
      () => serverConfig({ auth: true }, { SLUICE_AUTH_KEYS: 'AKID:s,broken' }),
      /entry 2 must be AKID:secret/,
    );
    const config = serverConfig(
      { auth: true, memory: true, advertise: 'http://sluice:9324/' },
      { SLUICE_AUTH_KEYS: 'A:x, B:y' },
    );
    assert.deepEqual(
      [...(config.keys ?? [])],
      [
        ['A', 'x'],
        ['B', 'y'],
      ],
    );
    assert.equal(config.advertise, 'http://sluice:9324');
    assert.equal(config.dbPath, ':memory:');
    assert.ok(Object.isFrozen(config));
  });

  it('refuses a bad option with one line naming it, and exit status 1', () => {
    for (const [args, reason] of [
      [['server', '--port', 'abc'], 'sluice: --port must be an integer 0–65535, got "abc"'],
      [['server', '--memory', '--data', dir], 'sluice: --memory and --data exclude each other'],
      [['no-such-command'], 'sluice: Unknown command no-such-command'],
    ] as const) {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        encoding: 'utf8',
      });
      assert.equal(run.status, 1, args.join(' '));
      assert.equal(run.stderr, `${reason}\n`);
    }
  });
});
