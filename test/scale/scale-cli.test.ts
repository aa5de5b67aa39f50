/**
 * `sluice scale <worker file>` as a real process against a real server, its
 * workers real `sluice worker` processes: it scales out and back in under load
 * and every message is handled; a crashed worker is restarted and its message
 * handled by the next one; a worker over --memory-limit is drained and
 * replaced; /metrics merges every process; bad flags are one line.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { cliEnv, fails, sluice } from '../cli/ops-harness.ts';
import { startTestServer, type TestServer } from '../server/harness.ts';
import { eventually } from '../support/eventually.ts';
import { fakeEcs } from './fake-ecs.ts';

const FIXTURE = 'test/scale/fixtures/scale-worker.ts';
let t: TestServer;

before(async () => {
  t = await startTestServer();
});
after(() => t.close());

interface Scale {
  child: ChildProcess;
  /** Parsed JSON lines of stdout (the pool's logs and its children's). */
  lines: () => Record<string, unknown>[];
  stderr: () => string;
  /** The end of both streams, for a failure's message. */
  transcript: () => string;
  exit: Promise<number | null>;
}

/** Process groups of every pool a test started: a failed test's pool and its workers are killed after it. */
const groups: number[] = [];
afterEach(() => {
  for (const pgid of groups.splice(0))
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // the whole group has exited
    }
});

function scale(args: string[], env: NodeJS.ProcessEnv, file = FIXTURE): Scale {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'scale', file, ...args], {
    env: { ...cliEnv(t), WORKER_HEALTH_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // a group of its own, with its workers
  });
  if (child.pid !== undefined) groups.push(child.pid);
  let out = '';
  let err = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const lines = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return {
    child,
    lines,
    stderr: () => err,
    transcript: () => `${out.slice(-3000)}\n--- stderr\n${err.slice(-1000)}`,
    exit,
  };
}

const recorded = (file: string) =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean) : [];

async function queue(name: string) {
  const { QueueUrl } = await t.store.createQueue({ QueueName: name });
  const send = async (bodies: string[]) => {
    for (let i = 0; i < bodies.length; i += 10)
      await t.store.sendMessageBatch({
        QueueUrl,
        Entries: bodies.slice(i, i + 10).map((MessageBody, j) => ({ Id: `m${j}`, MessageBody })),
      });
  };
  const depth = async () => {
    const [row] = await t.store.stats(name);
    return row ? row.visible + row.inFlight + row.delayed : -1;
  };
  return { QueueUrl, send, depth };
}

describe('sluice scale <worker file>', () => {
  it('scales out under a backlog and back in when it drains, handling every message', async () => {
    const name = 'scale-load';
    const q = await queue(name);
    const record = join(t.dir, 'load.txt');
    const first = Array.from({ length: 400 }, (_, i) => `a${i}`);
    await q.send(first);
    const s = scale(
      [
        '--min',
        '1',
        '--max',
        '4',
        '--target',
        '40',
        '--period',
        '1',
        '--scale-out-cooldown',
        '1',
        '--scale-in-cooldown',
        '1',
        '--scale-in-evaluation-periods',
        '2',
        '--sample-interval',
        '0.25',
        '--prefix',
        'load',
      ],
      { QUEUE_NAME: name, RECORD_FILE: record, HANDLER_MS: '40', WORKER_CONCURRENCY: '2' },
    );
    const decisions = () => s.lines().filter((l) => l.msg === 'scaling out' || l.msg === 'scaling in');
    await eventually(() => decisions().some((d) => d.to === 4), 'a scale-out to 4', { detail: s.transcript });
    // More work while the pool is at its largest, so scale-in happens with messages in flight.
    const second = Array.from({ length: 200 }, (_, i) => `b${i}`);
    await q.send(second);
    await eventually(async () => (await q.depth()) === 0, 'the queue to drain', {
      withinMs: 60_000,
      detail: s.transcript,
    });
    await eventually(() => decisions().some((d) => d.msg === 'scaling in' && d.to === 1), 'a scale-in to 1', {
      withinMs: 15_000,
    });
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.stderr());

    // The server shows its recent decisions (queue tags), the scale-in to 1 the newest.
    const { scaling } = (await (await fetch(`${t.url}/api/workers`)).json()) as {
      scaling: { prefix: string; queue: string; decisions: { from: number; to: number; reason: string }[] }[];
    };
    const shown = scaling.find((x) => x.prefix === 'load');
    assert.equal(shown?.queue, name);
    assert.ok(shown.decisions.length >= 2 && shown.decisions.length <= 5, JSON.stringify(shown));
    assert.equal(shown.decisions[0]?.to, 1, 'the newest: back in to 1');
    const logged = decisions().at(-1);
    assert.equal(shown.decisions[0]?.reason, logged?.reason, 'with the reason the log gives');

    const handled = new Set(recorded(record).map((l) => l.split(' ')[1]));
    const missing = [...first, ...second].filter((b) => !handled.has(b));
    assert.deepEqual(missing, [], 'every message handled');
    assert.equal(await q.depth(), 0, 'nothing left in flight');
    const workers = new Set(recorded(record).map((l) => l.split(' ')[0]));
    assert.ok(workers.size >= 3, `several processes shared the work: ${[...workers]}`);
    for (const d of decisions()) assert.equal(typeof d.reason, 'string');
    assert.match(String(decisions()[0]?.reason), /target tracking: backlog \d+ .* ÷ 40 per worker/);
    const retired = s.lines().filter((l) => l.msg === 'worker process exited' && l.why === 'retire');
    assert.ok(retired.length >= 3, 'scale-in drained processes');
    for (const r of retired) assert.equal(r.code, 0, 'a retired process drained and exited 0');
    const last = s
      .lines()
      .filter((l) => l.workerId === 'load' && 'messagesProcessed' in l)
      .at(-1);
    assert.ok(last, 'the pool wrote its stats line');
    assert.ok(Number(last.messagesProcessed) >= 600, `pool stats sum the processes: ${JSON.stringify(last)}`);
  });

  it('restarts a crashed worker and its message is handled by the next one', async () => {
    const name = 'scale-crash';
    const q = await queue(name);
    const record = join(t.dir, 'crash.txt');
    await q.send(['crash', 'x1', 'x2']);
    const s = scale(['--workers', '1', '--prefix', 'c'], {
      QUEUE_NAME: name,
      RECORD_FILE: record,
      WORKER_CONCURRENCY: '1',
      WORKER_BATCH_SIZE: '1',
      // What the dead process held (it prefetches) comes back within a second.
      WORKER_VISIBILITY_TIMEOUT: '1',
    });
    await eventually(() => recorded(record).length === 3, 'all three handled', {
      withinMs: 30_000,
      detail: s.transcript,
    });
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
    assert.ok(existsSync(`${record}.crashed`), 'the first process died on "crash"');
    const crashed = s.lines().find((l) => l.msg === 'worker process crashed');
    assert.equal(crashed?.code, 3);
    assert.equal(crashed?.workerId, 'c-1');
    const starts = s.lines().filter((l) => l.msg === 'worker process started');
    assert.deepEqual(
      starts.map((l) => [l.workerId, l.restarts]),
      [
        ['c-1', 0],
        ['c-1', 1],
      ],
    );
    assert.deepEqual(
      recorded(record)
        .map((l) => l.split(' ')[1])
        .sort(),
      ['crash', 'x1', 'x2'],
    );
  });

  it('drains and replaces a worker over --memory-limit; /metrics merges every process', async () => {
    const name = 'scale-memory';
    const q = await queue(name);
    const record = join(t.dir, 'memory.txt');
    const s = scale(['--workers', '2', '--memory-limit', '300M', '--prefix', 'm'], {
      QUEUE_NAME: name,
      RECORD_FILE: record,
      BLOAT_MB: '320',
    });
    await eventually(
      () => s.lines().filter((l) => l.msg === 'workers running').length === 2,
      'both workers up',
      {
        detail: s.transcript,
      },
    );
    const health = String(s.lines().find((l) => l.msg === 'scaling')?.health);
    const metrics = await (await fetch(`${health}/metrics`)).text();
    assert.match(metrics, /sluice_scale_workers 2/);
    for (const id of ['m-1', 'm-2'])
      assert.match(metrics, new RegExp(`worker_id="${id}"`), `series of ${id}`);

    await q.send(['bloat', 'after']);
    await eventually(
      () => s.lines().some((l) => l.msg === 'worker process drained: restarting it'),
      'a memory restart',
      {
        withinMs: 30_000,
        detail: s.transcript,
      },
    );
    await eventually(() => recorded(record).length === 2, 'both messages handled');
    const over = s.lines().find((l) => l.msg === 'worker over its memory limit: draining it for a restart');
    assert.ok(Number(over?.rssBytes) > 300 * 1024 * 1024);
    const restarted = s.lines().find((l) => l.msg === 'worker process drained: restarting it');
    assert.equal(restarted?.code, 0, 'drained, not killed');
    await eventually(
      async () =>
        /sluice_scale_restarts_total\{why="memory"\} 1/.test(await (await fetch(`${health}/metrics`)).text()),
      'the restart counted',
    );
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
    assert.equal(await q.depth(), 0);
  });

  it('runs a config (defineConfig) as `sluice start` processes', async () => {
    const name = 'scale-config';
    const q = await queue(name);
    const record = join(t.dir, 'config.txt');
    await q.send(['c1', 'c2', 'c3']);
    const s = scale(
      ['--workers', '2', '--prefix', 'cfg', '--data', join(t.dir, 'cfg-data')],
      { QUEUE_NAME: name, RECORD_FILE: record },
      'test/scale/fixtures/scale-config.ts',
    );
    await eventually(() => recorded(record).length === 3, 'the config’s worker to handle all three', {
      detail: s.transcript,
    });
    const running = () => s.lines().filter((l) => l.msg === 'sluice start: running').length;
    await eventually(() => running() === 2, 'two `sluice start` processes', { detail: s.transcript });
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0);
  });

  it('drives an ECS service’s desiredCount from the policy; --dry-run prints the call and sends none', async () => {
    const name = 'scale-ecs';
    const q = await queue(name);
    await q.send(Array.from({ length: 250 }, (_, i) => `e${i}`));
    const ecs = fakeEcs();
    const ecsUrl = await ecs.start();
    try {
      const flags = [
        '--min',
        '1',
        '--max',
        '10',
        '--target',
        '100',
        '--ecs',
        'prod/push-worker',
        '--ecs-endpoint',
        ecsUrl,
      ];
      const dry = scale([...flags, '--dry-run'], { QUEUE_NAME: name });
      await eventually(() => /dry-run: ecs UpdateService/.test(dry.transcript()), 'the dry-run line', {
        detail: dry.transcript,
      });
      dry.child.kill('SIGTERM');
      assert.equal(await dry.exit, 0);
      assert.match(
        dry.transcript(),
        /dry-run: ecs UpdateService \{"cluster":"prod","service":"push-worker","desiredCount":3\}\s+# 2 → 3: target tracking: backlog 250/,
      );
      assert.deepEqual([...new Set(ecs.requests.map((r) => r.action))], ['DescribeServices'], 'nothing sent');
      assert.equal(ecs.services.get('prod/push-worker'), 2);

      const live = scale(flags, { QUEUE_NAME: name });
      await eventually(() => ecs.services.get('prod/push-worker') === 3, 'desiredCount 3', {
        detail: live.transcript,
      });
      live.child.kill('SIGTERM');
      assert.equal(await live.exit, 0);
      const update = ecs.requests.find((r) => r.action === 'UpdateService');
      assert.deepEqual(update?.body, { cluster: 'prod', service: 'push-worker', desiredCount: 3 });
      assert.equal(await q.depth(), 250, 'no local worker ran');
    } finally {
      await ecs.close();
    }
  });

  it('--export keda prints the policy as a ScaledObject, age steps as a warning', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'scale-jobs' }); // the fixture's default queue
    const r = await sluice(
      t,
      'scale',
      FIXTURE,
      '--min',
      '1',
      '--max',
      '10',
      '--target',
      '100',
      '--steps',
      '300-600:+1,600:+2',
      '--evaluation-periods',
      '2',
      '--export',
      'keda',
      '--deployment',
      'push-worker',
      '--auth-ref',
      'keda-aws',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as {
      kind: string;
      spec: Record<string, unknown> & { triggers: { type: string; metadata: Record<string, string> }[] };
    };
    assert.equal(doc.kind, 'ScaledObject');
    assert.equal(doc.spec.minReplicaCount, 1);
    assert.equal(doc.spec.maxReplicaCount, 10);
    const trigger = doc.spec.triggers[0];
    assert.equal(trigger?.type, 'aws-sqs-queue');
    assert.equal(trigger?.metadata.queueURL, QueueUrl);
    assert.equal(trigger?.metadata.queueLength, '100');
    assert.match(r.stderr, /^sluice: warning: age steps not exported .*kedacore\/keda#5754/m);
  });

  it('a worker whose supervisor is killed (SIGKILL) drains and exits instead of running on unmanaged', async () => {
    const name = 'scale-orphan';
    const q = await queue(name);
    const s = scale(['--workers', '1', '--prefix', 'o'], {
      QUEUE_NAME: name,
      RECORD_FILE: join(t.dir, 'orphan.txt'),
    });
    await eventually(() => s.lines().some((l) => l.msg === 'workers running'), 'the worker up', {
      detail: s.transcript,
    });
    const pid = Number(s.lines().find((l) => l.msg === 'worker process started')?.pid);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    assert.ok(alive());
    s.child.kill('SIGKILL');
    await s.exit;
    await eventually(() => !alive(), 'the orphaned worker to exit', { detail: s.transcript });
    assert.ok(s.lines().some((l) => l.msg === 'the supervisor is gone; draining' && l.pid === pid));
    assert.ok(
      s.lines().some((l) => l.msg === 'workers stopped' && l.pid === pid),
      'drained, not killed',
    );
    assert.equal(await q.depth(), 0);
  });

  it('takes the policy from the config when no flag gives one', async () => {
    const { QueueUrl } = await t.store.createQueue({ QueueName: 'scale-jobs' });
    const r = await sluice(
      t,
      'scale',
      'test/scale/fixtures/scale-config.ts',
      '--export',
      'keda',
      '--deployment',
      'd',
    );
    assert.equal(r.code, 0, r.stderr);
    const doc = parse(r.stdout) as {
      spec: { maxReplicaCount: number; triggers: { metadata: Record<string, string> }[] };
    };
    assert.equal(doc.spec.maxReplicaCount, 3);
    assert.equal(doc.spec.triggers[0]?.metadata.queueLength, '25');
    assert.equal(doc.spec.triggers[0]?.metadata.queueURL, QueueUrl);
  });

  it('refuses bad flags in one line', async () => {
    await t.store.createQueue({ QueueName: 'scale-jobs' }); // the fixture's default queue
    await fails(t, /^sluice: give --workers N, or a policy/, 'scale', FIXTURE);
    await fails(
      t,
      '--workers sets a fixed count: leave out the policy flags (--min, --max, --target, …)'.replace(
        /^/,
        'sluice: ',
      ),
      'scale',
      FIXTURE,
      '--workers',
      '2',
      '--max',
      '3',
    );
    await fails(
      t,
      'sluice: --steps must be items like 300-600:+1 or 600:+2, got "soon"',
      'scale',
      FIXTURE,
      '--max',
      '3',
      '--steps',
      'soon',
    );
    await fails(
      t,
      'sluice: scale policy min (5) must not exceed max (3)',
      'scale',
      FIXTURE,
      '--min',
      '5',
      '--max',
      '3',
      '--target',
      '10',
    );
    await fails(
      t,
      'sluice: --memory-limit must be a size like 512M or 1G, got "lots"',
      'scale',
      FIXTURE,
      '--workers',
      '1',
      '--memory-limit',
      'lots',
    );
    await fails(t, 'sluice: nope.ts: no such file', 'scale', 'nope.ts', '--workers', '1');
    await fails(
      t,
      'sluice: --ecs must be cluster/service, got "prod"',
      'scale',
      FIXTURE,
      '--max',
      '3',
      '--target',
      '5',
      '--ecs',
      'prod',
    );
    await fails(
      t,
      'sluice: --dry-run goes with --ecs',
      'scale',
      FIXTURE,
      '--max',
      '3',
      '--target',
      '5',
      '--dry-run',
    );
    await fails(
      t,
      'sluice: --export keda needs --deployment NAME',
      'scale',
      FIXTURE,
      '--max',
      '3',
      '--target',
      '5',
      '--export',
      'keda',
    );
    await fails(
      t,
      /^sluice: cannot export this scale policy to KEDA: /,
      'scale',
      FIXTURE,
      '--max',
      '3',
      '--steps',
      '600:+2',
      '--export',
      'keda',
      '--deployment',
      'd',
    );
  });

  it('--log-level reaches every worker process; a bad level is refused naming it', async () => {
    const name = 'scale-log-level';
    const q = await queue(name);
    const record = join(t.dir, 'log-level.txt');
    await q.send(['quiet']);
    const s = scale(['--workers', '2', '--prefix', 'lv', '--log-level', 'warn'], {
      QUEUE_NAME: name,
      RECORD_FILE: record,
    });
    await eventually(() => recorded(record).length === 1, 'the message handled', {
      withinMs: 30_000,
      detail: s.transcript,
    });
    s.child.kill('SIGTERM');
    assert.equal(await s.exit, 0, s.transcript());
    const chatty = s.lines().filter((l) => l.level === 'info' || l.level === 'debug');
    assert.deepEqual(chatty, [], 'neither the pool nor its processes log below warn');

    await fails(
      t,
      'sluice: --log-level must be one of trace, debug, info, warn, error, fatal, silent, got "loud"',
      'scale',
      FIXTURE,
      '--workers',
      '1',
      '--log-level',
      'loud',
    );
  });
});
