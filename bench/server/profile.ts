/**
 * Where a `sluice server`'s CPU goes, from a V8 CPU profile, per message:
 *
 *   BENCH_SERVER_CPU_PROF=.tmp/prof BENCH_SERVER_TARGETS=sluice-file-normal BENCH_NO_WRITE=1 npm run bench:server
 *   node --import tsx bench/server/profile.ts .tmp/prof/CPU.*.0.001.cpuprofile MESSAGES
 *
 * MESSAGES is what the server handled while profiled: warm-up + rounds ×
 * messages. Self time is summed by layer (node's HTTP and streams, the
 * protocol, validation, MD5, the store's statements, SQLite's BEGIN/COMMIT).
 * A native call (a better-sqlite3 statement, JSON.parse) counts in the JS
 * function that made it. The profile samples time on the CPU or blocked in
 * a call: with --sync full, COMMIT includes the fsync's wait, which /proc's
 * CPU time does not — profile `sluice-file-normal` for CPU.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The layer a function belongs to, by its file and name; null for idle time. */
function layer({ functionName: f, url: u }: ProfileNode['callFrame']): string | null {
  if (f === '(idle)') return null;
  if (f === '(garbage collector)') return 'GC';
  if (f === '(program)') return 'V8 and native, unattributed';
  if (/modules\/(esm|cjs)|compileSourceTextModule|makeSyncRequest|waitForWorker/.test(`${u} ${f}`))
    return 'start-up: loading modules (excluded)';
  if (['#runInTransaction', '#runBatch', '#flush'].includes(f))
    return 'SQLite BEGIN/COMMIT (WAL append, checkpoints)';
  if (u.includes('better-sqlite3')) return 'SQLite driver wrappers';
  if (/src\/store\/sqlite\/(send|receive|ack|batch|projection|receipt|message-codec|dlq|counts)/.test(u))
    return 'store: statements and queue logic';
  if (u.includes('/src/store/')) return 'store: the rest';
  if (u.includes('/src/sqs/md5') || /crypto\/hash/.test(u)) return 'MD5';
  if (u.includes('/src/sqs/')) return 'validation';
  if (u.includes('/src/protocol/'))
    return /Result|encode|xml/.test(f) ? 'protocol: serialise the answer' : 'protocol: parse the request';
  if (u.includes('/src/server/body')) return 'server: body read';
  if (u.includes('/src/server/')) return 'server: routing, long poll';
  if (/randomUUID|randomFill/.test(f)) return 'request ids';
  if (/_http|_addHeaderLine|parserOn|matchKnownFields|checkInvalidHeaderChar/.test(`${u} ${f}`))
    return 'node:http: headers in, response out';
  return 'node: sockets, streams, events, microtasks';
}

const [file, count] = process.argv.slice(2);
const messages = Number(count);
if (!file || !Number.isInteger(messages) || messages <= 0)
  throw new Error('usage: profile.ts FILE.cpuprofile MESSAGES');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
const byLayer = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const name = layer(frames.get(id)!);
  if (name) byLayer.set(name, (byLayer.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const startup = byLayer.get('start-up: loading modules (excluded)') ?? 0;
byLayer.delete('start-up: loading modules (excluded)');
const total = [...byLayer.values()].reduce((a, b) => a + b, 0);
console.log(
  `${(total / messages).toFixed(1)} µs per message over ${messages} messages (start-up's ${(startup / 1000).toFixed(0)} ms left out)`,
);
for (const [name, us] of [...byLayer].sort((a, b) => b[1] - a[1]))
  console.log(
    `${(us / messages).toFixed(1).padStart(6)} µs  ${((100 * us) / total).toFixed(0).padStart(3)}%  ${name}`,
  );
