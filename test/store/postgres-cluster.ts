/**
 * A PostgreSQL cluster of a test's own, made with the machine's binaries
 * (/usr/lib/postgresql/VERSION/bin, or SLUICE_TEST_PG_BIN) in a temporary
 * directory: trust auth, 127.0.0.1 on a free port, its unix socket in that
 * directory. A test may stop and start it at will, which it may never do to
 * the machine's shared server. initdb and pg_ctl refuse to run as root, so
 * as root they run as the `postgres` OS user.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  port: number;
  /** `pg_ctl stop -m fast`: backends are terminated, new connections refused. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if running and removes its directory (never throws). */
  destroy(): Promise<void>;
  /** The server's log, for failure messages. */
  log(): string;
}

interface Binaries {
  bin: string;
  /** The uid/gid to run them as (the postgres OS user when we are root). */
  as?: { uid: number; gid: number };
}

/** Where initdb and pg_ctl are and whom to run them as, or why a private cluster cannot be made here. */
export function findBinaries(): Binaries | { missing: string } {
  let bin = process.env.SLUICE_TEST_PG_BIN;
  if (!bin) {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root)
      ? readdirSync(root)
          .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    if (versions.length === 0)
      return { missing: `no PostgreSQL binaries in ${root}/*/bin (set SLUICE_TEST_PG_BIN)` };
    bin = join(root, versions[0]!, 'bin');
  }
  for (const tool of ['initdb', 'pg_ctl'])
    if (!existsSync(join(bin, tool))) return { missing: `no ${tool} in ${bin}` };
  if (process.getuid?.() !== 0) return { bin };
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    return { bin, as: { uid: id('-u'), gid: id('-g') } };
  } catch {
    return { missing: 'running as root and there is no postgres OS user to run initdb and pg_ctl as' };
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Creates and starts a cluster; `destroy()` it in `after`, whatever happened. */
export async function createPrivateCluster(binaries: Binaries): Promise<PrivateCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  if (binaries.as) chownSync(dir, binaries.as.uid, binaries.as.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'log');
  const run = (tool: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      execFile(
        join(binaries.bin, tool),
        args,
        { cwd: dir, timeout: 60_000, ...(binaries.as ?? {}) },
        (err, stdout, stderr) =>
          err
            ? reject(new Error(`${tool} ${args.join(' ')}: ${err.message}\n${stdout}${stderr}`))
            : resolve(),
      );
    });
  const log = () => {
    try {
      return readFileSync(logFile, 'utf8');
    } catch {
      return '';
    }
  };
  let port = 0;
  const cluster: PrivateCluster = {
    get url() {
      return `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    get port() {
      return port;
    },
    async stop() {
      await run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']);
    },
    async start() {
      await run('pg_ctl', [
        'start',
        '-D',
        data,
        '-w',
        '-t',
        '30',
        '-l',
        logFile,
        '-o',
        // fsync off: what is tested is a restart, not the machine losing power; it spares the shared disk.
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off`,
      ]);
    },
    async destroy() {
      // Whatever state a failed test left it in: a postmaster runs while its pid file exists.
      if (existsSync(join(data, 'postmaster.pid')))
        await run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '30']).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
    log,
  };
  try {
    await run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync']);
    // The port is free when picked and may be taken before the postmaster binds it: try another.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await cluster.start();
        break;
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  } catch (e) {
    await cluster.destroy();
    throw e;
  }
  return cluster;
}
