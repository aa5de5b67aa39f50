/**
 * The process that gets killed. Opens the file store, creates the queue if
 * needed, then sends forever from LOOPS concurrent loops, 10 messages a batch.
 * Each body is `cycle:loop:seq:i`; once a batch's send promise has resolved (the
 * store says it is committed), its bodies are written to stdout, one a line.
 * Nothing is printed before that, so every line the parent reads is an ack.
 *
 * Usage: node --import tsx child-sender.ts DB_PATH CYCLE [LOOPS]
 */
import { openSqliteStore } from '../../src/store/sqlite/index.ts';

const [dbPath, cycle, loopsArg = '4'] = process.argv.slice(2);
if (!dbPath || !cycle) throw new Error('usage: child-sender.ts DB_PATH CYCLE [LOOPS]');

const store = openSqliteStore({ path: dbPath });
const { QueueUrl } = await store.createQueue({ QueueName: 'durability' });

async function sendForever(loop: number): Promise<never> {
  for (let seq = 0; ; seq++) {
    const bodies = Array.from({ length: 10 }, (_, i) => `${cycle}:${loop}:${seq}:${i}`);
    const out = await store.sendMessageBatch({
      QueueUrl,
      Entries: bodies.map((MessageBody, i) => ({ Id: String(i), MessageBody })),
    });
    if (out.Failed.length > 0) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
    // Only entries the store acknowledged; Successful[].Id indexes into this batch.
    const acked = out.Successful.map((s) => bodies[Number(s.Id)]);
    process.stdout.write(`${acked.join('\n')}\n`);
  }
}

await Promise.all(Array.from({ length: Number(loopsArg) }, (_, loop) => sendForever(loop)));
