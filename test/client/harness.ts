/**
 * The QueueClient factories the contract suite (test/store/contract) runs
 * against: the in-process adapter over an SQLite store, and the AWS adapter
 * over real HTTP to an in-process `sluice server`. Both stores run on the
 * test's ManualClock, so moving the clock drives long polls and visibility on
 * the server too.
 */
import { awsClient, RECEIVE_ABORT_GRACE_MS } from '../../src/client/aws.ts';
import { localClient } from '../../src/client/local.ts';
import type { QueueClient } from '../../src/client/queue-client.ts';
import { startServer } from '../../src/server/server.ts';
import { openSqliteStore } from '../../src/store/sqlite/index.ts';
import type { Store } from '../../src/store/store.ts';
import type { ApiFactory } from '../store/contract/harness.ts';

export const CREDENTIALS = { accessKeyId: 'AKIDSLUICETEST', secretAccessKey: 'sluice-test-secret' };
/** The queue URLs the contract expects (its `urlOf`); the server advertises them whatever its port. */
const ADVERTISED = 'http://127.0.0.1:9324';

export const localFactory: ApiFactory = async ({ clock }) => {
  const store = openSqliteStore({ path: ':memory:', clock });
  const client = localClient(store);
  return {
    store: client,
    async cleanup() {
      await client.close();
      await store.close();
    },
  };
};

export const awsFactory: ApiFactory = async ({ clock }) => {
  const parked = { count: 0 };
  const server = await startServer({
    port: 0,
    advertise: ADVERTISED,
    openStore: (baseUrl) =>
      countParked(openSqliteStore({ path: ':memory:', clock, identity: { baseUrl } }), parked),
    log: () => {},
  });
  let inFlight = 0;
  server.http.on('request', (_req, res) => {
    inFlight++;
    res.once('close', () => inFlight--);
  });
  const calls = { count: 0 };
  const client = countCalls(
    awsClient({ endpoint: server.url, region: 'us-east-1', credentials: CREDENTIALS }),
    calls,
  );
  return {
    store: client,
    // Quiet means: every call the client has open is a request the server holds as a parked long poll.
    settle: () => until(() => calls.count === inFlight && inFlight === parked.count),
    abortGraceMs: RECEIVE_ABORT_GRACE_MS,
    async cleanup() {
      await client.close();
      await server.shutdown();
    },
  };
};

/** Waits (in real time: the ManualClock does not move) until `quiet` holds after the event loop has turned. */
async function until(quiet: () => boolean, limitMs = 2_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    if (quiet() || Date.now() > deadline) return; // past the limit, the test's own assertion says what is wrong
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The store as is, counting receives that are still open (parked long polls, once things settle). */
function countParked(store: Store, parked: { count: number }): Store {
  const receiveMessage: Store['receiveMessage'] = (input, options) => {
    parked.count++;
    return store.receiveMessage(input, options).finally(() => parked.count--);
  };
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'receiveMessage') return receiveMessage;
      const value = Reflect.get(target, key, target);
      // Bound, since the store's methods read its private fields through `this`.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** The client as is, counting calls that have not settled. */
function countCalls(client: QueueClient, calls: { count: number }): QueueClient {
  return new Proxy(client, {
    get: (target, key) => {
      const value = Reflect.get(target, key, target);
      if (typeof value !== 'function' || key === 'close') return value;
      return (...args: unknown[]) => {
        calls.count++;
        return (value as (...a: unknown[]) => Promise<unknown>)(...args).finally(() => calls.count--);
      };
    },
  });
}
