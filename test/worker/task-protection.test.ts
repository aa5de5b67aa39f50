/**
 * ECS task scale-in protection from the worker runtime: runWorkers on the real
 * store, the ECS agent a real HTTP server answering in AWS's documented
 * shapes (fake-ecs-agent.ts), time on a ManualClock.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { defineWorker, type MessageHandler } from '../../src/worker/define.ts';
import { type RunningWorkers, runWorkers } from '../../src/worker/run.ts';
import { IDLE_MS } from '../../src/worker/task-protection.ts';
import { answers, CONTAINER_ID, type FakeAgent, startFakeAgent } from './fake-ecs-agent.ts';
import { advance, bodies, createQueue, type Env, gate, send, setup, stats, stopWorker } from './harness.ts';

const PATH = `/api/${CONTAINER_ID}/task-protection/v1/state`;

describe('task scale-in protection on ECS', () => {
  let env: Env;
  let agent: FakeAgent;
  let url: string;
  let running: RunningWorkers | undefined;

  beforeEach(async () => {
    env = await setup();
    agent = await startFakeAgent(env.clock);
    url = await createQueue(env.store, 'jobs');
  });
  afterEach(async () => {
    // Workers first: the store they use closes last.
    if (running) await stopWorker(running, env.clock);
    running = undefined;
    await agent.close();
    await env.close();
  });

  /** Waits (in real time, for HTTP) until `cond` holds, moving the clock `stepMs` per round. */
  async function eventually(cond: () => boolean | Promise<boolean>, what: string, stepMs = 5): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      if (await cond()) return;
      if (stepMs) await env.clock.advance(stepMs);
      await new Promise((r) => setTimeout(r, 2));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** Lets answers in flight arrive without moving the clock. */
  const quiet = () => new Promise((r) => setTimeout(r, 50));

  async function start(
    handler: MessageHandler<string>,
    extra: Record<string, string> = {},
    concurrency = 10,
  ) {
    running = await runWorkers([defineWorker({ queue: 'jobs', concurrency, handler })], {
      env: { WORKER_HEALTH_PORT: '0', WORKER_ID: 'w-test', ECS_AGENT_URI: agent.uri, ...extra },
      client: env.store,
      clock: env.clock,
      logger: env.log.logger,
      handleSignals: false,
      writeStats: () => {},
    });
    return running;
  }

  async function gauge(): Promise<string | undefined> {
    const text = await (await fetch(`${running?.health.url}/metrics`)).text();
    return /^sluice_task_scale_in_protected\{worker_id="w-test"\} (\d)$/m.exec(text)?.[1];
  }

  const warnings = (pattern: RegExp) =>
    env.log.lines.filter((l) => l.level === 40 && pattern.test(String(l.msg))).map((l) => l);

  it('protects the task while a handler holds its message, with the request AWS documents', async () => {
    await send(env.store, url, ['one']);
    const work = gate();
    let started = false;
    await start(async () => {
      started = true;
      await work.promise;
    });
    await eventually(() => started && agent.requests.length === 1, 'the handler and the PUT');
    const said = env.log.lines.find((l) => l.msg === 'workers running');
    assert.equal(said?.taskProtection, 'while messages are held, 60 min at a time');

    const [request] = agent.requests;
    assert.equal(request?.method, 'PUT');
    assert.equal(request?.path, PATH);
    assert.equal(request?.contentType, 'application/json');
    assert.equal(request?.raw, '{"ProtectionEnabled":true,"ExpiresInMinutes":60}');
    await quiet();
    assert.equal(await gauge(), '1');
    const state = await (await fetch(`${agent.uri}/task-protection/v1/state`)).json();
    assert.equal(state.protection.ProtectionEnabled, true, 'the agent holds the task protected');

    work.open();
    await eventually(async () => (await stats(env.store, 'jobs')).inFlight === 0, 'the delete');
  });

  it('renews at half the expiry while still busy, and not while idle', async () => {
    await send(env.store, url, ['long']);
    const work = gate();
    await start(() => work.promise, { WORKER_TASK_PROTECTION_MINUTES: '2' });
    await eventually(() => agent.requests.length === 1, 'the first PUT');
    const first = agent.requests[0]?.at ?? 0;

    await advance(env.clock, 59_000 - (env.clock.now() - first));
    await quiet();
    assert.equal(agent.requests.length, 1, 'no renewal before half of the 2 minutes');
    await advance(env.clock, 2000);
    await eventually(() => agent.requests.length === 2, 'the renewal', 0);
    assert.ok((agent.requests[1]?.at ?? 0) - first <= 61_000);
    await advance(env.clock, 60_000);
    await eventually(() => agent.requests.length === 3, 'the second renewal', 0);
    assert.deepEqual(agent.puts(), [
      { ProtectionEnabled: true, ExpiresInMinutes: 2 },
      { ProtectionEnabled: true, ExpiresInMinutes: 2 },
      { ProtectionEnabled: true, ExpiresInMinutes: 2 },
    ]);
    assert.equal(await gauge(), '1');
  });

  it('clears the protection once idle for the debounce; a stream with short gaps does not flap', async () => {
    let done = 0;
    await start(() => void done++);
    await send(env.store, url, ['a']);
    await eventually(() => done === 1, 'the first message');
    await eventually(() => agent.requests.length === 1, 'the PUT');

    await advance(env.clock, IDLE_MS / 3);
    await send(env.store, url, ['b', 'c']);
    await eventually(() => done === 3, 'two more messages');
    await advance(env.clock, IDLE_MS / 3);
    await send(env.store, url, ['d']);
    await eventually(() => done === 4, 'one more');
    await quiet();
    assert.deepEqual(agent.puts(), [{ ProtectionEnabled: true, ExpiresInMinutes: 60 }], 'still one request');

    await advance(env.clock, IDLE_MS - 2000);
    await quiet();
    assert.equal(agent.requests.length, 1, 'not cleared before the debounce');
    await advance(env.clock, 3000);
    await eventually(() => agent.requests.length === 2, 'the clearing PUT', 0);
    assert.equal(agent.requests[1]?.raw, '{"ProtectionEnabled":false}');
    assert.equal(agent.requests[1]?.path, PATH);
    await quiet();
    assert.equal(await gauge(), '0');

    // Busy again: protected again.
    await send(env.store, url, ['e']);
    await eventually(() => agent.requests.length === 3, 'protection again');
    assert.deepEqual(agent.puts()[2], { ProtectionEnabled: true, ExpiresInMinutes: 60 });
  });

  it('keeps the protection through the drain and clears it after, without waiting for the debounce', async () => {
    await send(env.store, url, ['slow']);
    const work = gate();
    const events: string[] = [];
    let handlerDoneAt = 0;
    const r = await start(async () => {
      await work.promise;
      handlerDoneAt = env.clock.now();
      events.push('handler done');
    });
    await eventually(() => agent.requests.length === 1, 'the PUT');
    const stopped = r.stop('test');
    await advance(env.clock, 3000);
    await quiet();
    assert.equal(agent.requests.length, 1, 'still protected while draining');

    work.open();
    let finished = false;
    void stopped.then(() => {
      finished = true;
    });
    await eventually(() => finished, 'the stop', 100);
    running = undefined;
    assert.deepEqual(
      agent.requests.map((q) => q.raw),
      ['{"ProtectionEnabled":true,"ExpiresInMinutes":60}', '{"ProtectionEnabled":false}'],
    );
    assert.deepEqual(events, ['handler done']);
    const cleared = agent.requests[1]?.at ?? 0;
    assert.ok(
      cleared >= handlerDoneAt && cleared - handlerDoneAt < IDLE_MS,
      'cleared by the stop, after the drain',
    );
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 0]);
  });

  it('an agent that refuses: every message is still processed once, and each kind is logged once', async () => {
    agent.answer = () => answers.accessDenied;
    const seen = new Map<string, number>();
    await start((m) => void seen.set(m.body, (seen.get(m.body) ?? 0) + 1), {}, 2);
    for (let round = 0; round < 4; round++) {
      if (round === 2) agent.answer = () => answers.throttled;
      await send(env.store, url, bodies(6, `r${round}-`));
      await eventually(() => seen.size === 6 * (round + 1), `round ${round}`);
      await advance(env.clock, 6 * 60_000); // idle, past any backoff
    }
    assert.ok(agent.requests.length >= 4, `asked again on each busy period (${agent.requests.length})`);
    assert.ok([...seen.values()].every((n) => n === 1));
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 0]);
    const said = warnings(/task scale-in protection/).map((l) => String(l.problem));
    assert.equal(said.length, 2, `one line per kind: ${said.join(' | ')}`);
    assert.match(said[0] ?? '', /^AccessDeniedException: User: .* not authorized/);
    assert.match(said[1] ?? '', /^ThrottlingException: Rate exceeded$/);
    assert.match(String(warnings(/ecs:UpdateTaskProtection/)[0]?.msg), /task role needs/);
    assert.equal(await gauge(), '0');
  });

  it('an agent that is down: work goes on, nothing is lost, one line in the log', async () => {
    await agent.close();
    const seen = new Set<string>();
    await start((m) => void seen.add(m.body), {}, 3);
    await send(env.store, url, bodies(20));
    await eventually(() => seen.size === 20, 'every message');
    await advance(env.clock, 2 * IDLE_MS);
    await send(env.store, url, bodies(5, 'late-'));
    await eventually(() => seen.size === 25, 'the late messages');
    await stopWorker(running as RunningWorkers, env.clock);
    running = undefined;
    const s = await stats(env.store, 'jobs');
    assert.deepEqual([s.visible, s.inFlight], [0, 0]);
    const said = warnings(/task scale-in protection/);
    assert.equal(said.length, 1);
    assert.match(String(said[0]?.problem), /^the ECS agent is unreachable \(ECONNREFUSED\)$/);
    agent = await startFakeAgent(env.clock); // for afterEach
  });

  it('a task outside a service (TASK_NOT_VALID) is not asked about again', async () => {
    agent.answer = () => answers.taskNotValid;
    let done = 0;
    await start(() => void done++);
    await send(env.store, url, ['a']);
    await eventually(() => done === 1 && agent.requests.length === 1, 'the message and the PUT');
    await advance(env.clock, 10 * 60_000);
    await send(env.store, url, ['b']);
    await eventually(() => done === 2, 'the second message');
    await stopWorker(running as RunningWorkers, env.clock);
    running = undefined;
    assert.equal(agent.requests.length, 1);
    assert.match(String(warnings(/not part of an ECS service/)[0]?.reason), /^TASK_NOT_VALID$/);
  });

  for (const [name, extra] of [
    ['without ECS_AGENT_URI', { ECS_AGENT_URI: '' }],
    ['with WORKER_TASK_PROTECTION=off', { WORKER_TASK_PROTECTION: 'off' }],
  ] as const) {
    it(`makes no call at all ${name}`, async () => {
      let done = 0;
      await start(() => void done++, extra);
      await send(env.store, url, bodies(5));
      await eventually(() => done === 5, 'the messages');
      await advance(env.clock, 2 * IDLE_MS);
      await stopWorker(running as RunningWorkers, env.clock);
      await quiet();
      assert.equal(agent.requests.length, 0);
      running = undefined;
      const said = env.log.lines.find((l) => l.msg === 'workers running');
      assert.equal(
        said?.taskProtection,
        'ECS_AGENT_URI' in extra ? undefined : 'off (WORKER_TASK_PROTECTION=off)',
      );
    });
  }

  it('shows no gauge outside ECS', async () => {
    await start(() => {}, { ECS_AGENT_URI: '' });
    assert.equal(await gauge(), undefined);
  });
});
