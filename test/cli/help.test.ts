/**
 * `--help` and `--version` as a user sees them: usage under the full command
 * name, without colour codes when the output is not a terminal, and the
 * package's version.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { resolveChain } from '../../src/cli/common/chain.ts';
import { sluice } from '../../src/cli/common/commands.ts';
import { usage, wantsColour } from '../../src/cli/common/usage.ts';
import { runSluice } from './cli-process.ts';

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('sluice --version', () => {
  for (const flag of ['--version', '-v'])
    it(`${flag} prints the package's version and exits 0`, async () => {
      const r = await runSluice([flag]);
      assert.deepEqual(r, { code: 0, stdout: `${version}\n`, stderr: '' });
    });
});

describe('sluice --help', () => {
  it('to a pipe: no colour codes, usage under the full command name', async () => {
    const [server, create] = await Promise.all([
      runSluice(['server', '--help']),
      runSluice(['queues', 'create', '--help']),
    ]);
    for (const r of [server, create]) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes('\x1b['), `colour codes in:\n${JSON.stringify(r.stdout)}`);
    }
    assert.match(server.stdout, /^USAGE {2}sluice server \[OPTIONS\]$/m);
    assert.match(server.stdout, /^ {2}--memory {2,}Keep queues in memory only$/m);
    assert.match(create.stdout, /^USAGE {2}sluice queues create \[OPTIONS\] <NAME>$/m);
  });

  it('a group lists its commands under their full names', async () => {
    const chain = await resolveChain(sluice, 'sluice', ['queues']);
    const text = await usage(chain, false);
    assert.match(text, /^USAGE {2}sluice queues <command>$/m);
    assert.match(text, /^ {2}create {2,}\S/m);
    assert.match(text, /Use sluice queues <command> --help/);
  });

  it('colours only a terminal, and never with NO_COLOR or TERM=dumb', async () => {
    assert.equal(wantsColour({ isTTY: true }, {}), true);
    assert.equal(wantsColour({ isTTY: false }, {}), false);
    assert.equal(wantsColour({}, {}), false);
    assert.equal(wantsColour({ isTTY: true }, { NO_COLOR: '1' }), false);
    assert.equal(wantsColour({ isTTY: true }, { NO_COLOR: 'yes' }), false);
    assert.equal(wantsColour({ isTTY: true }, { TERM: 'dumb' }), false);
    const chain = await resolveChain(sluice, 'sluice', ['server']);
    assert.ok((await usage(chain, true)).includes('\x1b[36m--memory\x1b[39m'));
  });
});
