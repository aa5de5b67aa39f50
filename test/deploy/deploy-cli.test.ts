/**
 * `sluice deploy <target> [config] --out DIR` as a real process: the same
 * config writes byte-identical files, and a refusal is one line.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSluice } from '../cli/cli-process.ts';
import { writeConfig } from './configs.ts';

const read = (dir: string) =>
  Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));

describe('sluice deploy', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-deploy-cli-'));
    writeConfig(dir, { steps: true }, { endpoint: 'http://127.0.0.1:9324' });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [target, names] of [
    ['pm2', ['ecosystem.config.cjs']],
    ['compose', ['compose.host.yaml', 'compose.yaml']],
    ['k8s', ['deployment.yaml', 'hpa.yaml', 'scaledjob.yaml', 'scaledobject.yaml']],
  ] as const)
    it(`${target}: the same config writes the same bytes`, async () => {
      const first = await runSluice(['deploy', target, '--out', target], { cwd: dir });
      assert.equal(first.code, 0, first.stderr);
      const written = read(join(dir, target));
      assert.deepEqual(Object.keys(written).sort(), names);
      for (const name of names) writeFileSync(join(dir, target, name), 'stale');
      const second = await runSluice(['deploy', target, 'sluice.config.ts', '--out', target], { cwd: dir });
      assert.equal(second.code, 0, second.stderr);
      assert.deepEqual(read(join(dir, target)), written);
    });

  it('k8s: what KEDA cannot express is a warning on stderr', async () => {
    const r = await runSluice(['deploy', 'k8s', '--out', 'k8s-w'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^sluice: warning: age steps not exported .*kedacore\/keda#5754/m);
  });

  it('refuses in one line', async () => {
    for (const [args, line] of [
      [
        ['deploy', 'ecs', '--out', 'x'],
        'sluice: deploy target must be pm2, compose, k8s, terraform, got "ecs"\n',
      ],
      [
        ['deploy', 'terraform', '--out', 'x'],
        'sluice: deploy.endpoint names a sluice server; on AWS the workers use Amazon SQS: leave it out of this profile\n',
      ],
      [['deploy', 'pm2'], 'sluice: deploy needs --out DIR\n'],
      [
        ['deploy', 'pm2', '--out', 'x', '--image', 'a b'],
        'sluice: deploy.image must be an image reference, got "a b"\n',
      ],
    ] as const) {
      const r = await runSluice(args, { cwd: dir });
      assert.equal(r.code, 1, args.join(' '));
      assert.equal(r.stderr, line);
    }
  });
});
