/**
 * The data directory: one server at a time (a second is refused naming the
 * holder's pid; a SIGKILLed holder's lock is taken over), and a directory
 * that cannot hold the store is refused naming the path and why.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { CreateQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import { CREDENTIALS } from '../server/harness.ts';
import { runSluice, SLUICE } from './cli-process.ts';

const root = mkdtempSync(join(tmpdir(), 'sluice-data-dir-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `d${++n}`);

const children = new Set<ChildProcess>();
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
});

/** `sluice server --port 0 …`, resolved with its URL once it listens. */
function startServer(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...SLUICE, 'server', '--port', '0', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1]! });
    });
    child.on('exit', (code) => reject(new Error(`server exited ${code}: ${stderr}`)));
  });
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

describe('one server per data directory', () => {
  it('refuses a second server on the same --data, naming the directory and the pid; a SIGKILLed holder is replaced', async () => {
    const data = freshDir();
    const first = await startServer(['--data', data]);
    const sqs = new SQSClient({ endpoint: first.url, region: 'us-east-1', credentials: CREDENTIALS });
    await sqs.send(new CreateQueueCommand({ QueueName: 'kept' }));
    sqs.destroy();

    const second = await runSluice(['server', '--port', '0', '--data', data]);
    assert.equal(second.code, 1);
    assert.equal(
      second.stderr,
      `sluice: data directory ${data} is in use by another sluice process (pid ${first.child.pid})\n`,
    );

    first.child.kill('SIGKILL');
    await exited(first.child);
    const third = await startServer(['--data', data]);
    const again = new SQSClient({ endpoint: third.url, region: 'us-east-1', credentials: CREDENTIALS });
    const { QueueUrl } = await again.send(new GetQueueUrlCommand({ QueueName: 'kept' }));
    assert.match(QueueUrl ?? '', /\/kept$/);
    again.destroy();
  });

  it('in one process: a second store on the same file is refused until the first closes', async () => {
    const file = join(freshDir(), 'sluice.sqlite');
    const first = openSqliteStore({ path: file });
    assert.throws(
      () => openSqliteStore({ path: file }),
      new RegExp(`is in use by another sluice process \\(pid ${process.pid}, this process\\)$`),
    );
    await first.close();
    await openSqliteStore({ path: file }).close();
  });

  it('takes over the lock of a process that is gone, and refuses one from another host', async () => {
    const dir = freshDir();
    mkdirSync(dir);
    const file = join(dir, 'sluice.sqlite');
    const gone = spawn(process.execPath, ['-e', '']);
    await exited(gone);
    writeFileSync(`${file}.lock`, `${gone.pid} ${hostname()}\n`);
    await openSqliteStore({ path: file }).close();

    writeFileSync(`${file}.lock`, '4242 some-other-host\n');
    assert.throws(() => openSqliteStore({ path: file }), {
      message: `data directory ${dir} is in use by another sluice process (pid 4242 on some-other-host; remove ${file}.lock if it is gone)`,
    });
  });
});

describe('a data directory that cannot hold the store', () => {
  it('names the path and the reason, in one line', async () => {
    const data = freshDir();
    mkdirSync(join(data, 'sluice.sqlite'), { recursive: true }); // the database file's name is taken by a directory
    const blocked = await runSluice(['server', '--port', '0', '--data', data]);
    assert.equal(blocked.code, 1);
    assert.equal(
      blocked.stderr,
      `sluice: cannot open ${join(data, 'sluice.sqlite')}: unable to open database file: is a directory\n`,
    );

    const file = join(root, 'a-file');
    writeFileSync(file, '');
    const under = await runSluice(['server', '--port', '0', '--data', join(file, 'data')]);
    assert.equal(under.code, 1);
    assert.equal(
      under.stderr,
      `sluice: cannot use data directory ${join(file, 'data')}: a component of the path is not a directory (ENOTDIR)\n`,
    );
  });
});
