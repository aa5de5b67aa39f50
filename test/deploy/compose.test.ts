/**
 * `sluice deploy compose`: both files are valid compose files by Debian's
 * docker-compose (`config` validates and resolves without a Docker daemon),
 * with the model's numbers. Skipped where docker-compose is not installed.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { runSluice } from '../cli/cli-process.ts';
import { writeConfig } from './configs.ts';

const COMPOSE = '/usr/bin/docker-compose';
const run = promisify(execFile);

describe('sluice deploy compose', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-deploy-compose-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes compose files that docker-compose accepts, with the config’s numbers', async (t) => {
    if (!existsSync(COMPOSE))
      return t.skip('docker-compose is not installed (apt-get install docker-compose)');
    writeConfig(dir, { max: 5, shutdownTimeoutSeconds: 20, memoryMiB: 320 });
    const r = await runSluice(['deploy', 'compose', 'sluice.config.ts', '--out', 'out'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'out/compose.yaml\nout/compose.host.yaml\n');
    for (const file of ['compose.yaml', 'compose.host.yaml']) {
      // What docker-compose makes of the file: validated against its schema, then resolved.
      const { stdout } = await run(COMPOSE, ['-f', file, 'config'], {
        cwd: join(dir, 'out'),
        timeout: 60_000,
      });
      const resolved = parse(stdout);
      const server = resolved.services['sluice-server'];
      const worker = resolved.services['sluice-worker'];
      assert.equal(worker.deploy.replicas, 5, file);
      assert.equal(worker.deploy.resources.limits.memory, '320M', file);
      assert.equal(worker.stop_grace_period, '30s', `${file}: shutdown 20 s + the margin`);
      assert.equal(worker.environment.WORKER_SHUTDOWN_TIMEOUT_MS, '20000', file);
      assert.deepEqual(worker.depends_on, { 'sluice-server': { condition: 'service_healthy' } }, file);
      assert.deepEqual(worker.command, ['start', 'sluice.config.ts', '--create-queues'], file);
      assert.deepEqual(server.volumes, ['sluice-data:/data:rw'], file);
      assert.equal(server.healthcheck.test[0], 'CMD', file);
      if (file === 'compose.host.yaml') {
        assert.equal(worker.network_mode, 'host');
        assert.equal(worker.environment.SLUICE_ENDPOINT, 'http://127.0.0.1:9324');
        assert.equal(worker.environment.WORKER_HEALTH_PORT, '0', 'replicas share the host: any free port');
      } else {
        assert.equal(worker.environment.SLUICE_ENDPOINT, 'http://sluice-server:9324');
        assert.match(worker.healthcheck.test.join(' '), /127\.0\.0\.1:3003\/ready/);
      }
    }
  });
});
