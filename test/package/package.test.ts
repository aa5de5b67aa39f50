/**
 * The package as a user installs it (installed.ts): plain ESM JavaScript
 * imports and runs it, CommonJS requires it, TypeScript type-checks against
 * its declarations (nodenext and bundler resolution), and `npx sluice`
 * serves and runs workers from it.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import ts from 'typescript';
import { eventually } from '../support/eventually.ts';
import { type Installed, installPackage, linkDevDependency, REPO } from './installed.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');

let pkg: Installed;
const children: ChildProcess[] = [];

/** Runs `npx <args>` in the app, in a process group of its own (npx runs sluice as its child). */
function npx(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; output: () => string } {
  const child = spawn('npx', ['--no-install', ...args], {
    cwd: pkg.app,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  return { child, output: () => output };
}

describe('the installed package', { timeout: 900_000 }, () => {
  let endpoint = '';
  let sqs: SQSClient;

  before(async () => {
    pkg = installPackage();
    for (const f of readdirSync(FIXTURES)) copyFileSync(join(FIXTURES, f), join(pkg.app, f));
    const server = npx(['sluice', 'server', '--port', '0', '--memory']);
    await eventually(() => /listening on http:\/\/\S+/.test(server.output()), 'npx sluice server listening', {
      withinMs: 60_000,
      detail: server.output,
    });
    endpoint = /listening on (http:\/\/\S+)/.exec(server.output())![1]!;
    sqs = new SQSClient({ endpoint, region: 'us-east-1', credentials: CREDENTIALS });
  });

  after(() => {
    sqs?.destroy();
    for (const child of children) {
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    }
    pkg?.remove();
  });

  it('holds only what runs: dist/, bin/, the README, the licence', () => {
    const listing = spawnSync('tar', ['-tzf', pkg.tarball], { encoding: 'utf8' }).stdout.split('\n');
    const top = new Set(listing.filter(Boolean).map((p) => p.split('/')[1]));
    assert.deepEqual([...top].sort(), ['LICENSE', 'README.md', 'bin', 'dist', 'package.json']);
    assert.ok(listing.includes('package/dist/index.d.ts') && listing.includes('package/dist/cli/main.js'));
  });

  it('runs a worker from plain ESM JavaScript against sluice server', () => {
    const run = spawnSync(process.execPath, ['run-worker.mjs', endpoint], { cwd: pkg.app, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').at(-1)!), {
      seen: ['m0', 'm1', 'm2', 'm3', 'm4'],
      left: 0,
    });
  });

  it('is required from CommonJS where Node supports require() of ES modules', (t) => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    if (!(major > 22 || (major === 22 && minor >= 12) || (major === 20 && minor >= 19))) {
      t.skip(`Node ${process.version} cannot require() ES modules`);
      return;
    }
    const run = spawnSync(process.execPath, ['require.cjs'], { cwd: pkg.app, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'function function\n');
  });

  // A TypeScript worker runs with Node's own type stripping on 22.18+ and 24, through tsx on 20.
  for (const [file, queue] of [
    ['worker.js', 'package-npx'],
    ['worker.mts', 'package-npx-ts'],
  ] as const)
    it(`runs ${file} with npx sluice worker`, async () => {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue }));
      for (const body of ['a', 'b', 'c'])
        await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: body }));
      const worker = npx(['sluice', 'worker', file], {
        SLUICE_ENDPOINT: endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        WORKER_HEALTH_PORT: '0',
        LOG_FORMAT: 'json',
      });
      await eventually(
        () => (worker.output().match(/"msg":"handled"/g) ?? []).length === 3,
        'three handled lines',
        {
          withinMs: 60_000,
          detail: worker.output,
        },
      );
      await eventually(
        async () => {
          const { Attributes = {} } = await sqs.send(
            new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }),
          );
          return (
            Attributes.ApproximateNumberOfMessages === '0' &&
            Attributes.ApproximateNumberOfMessagesNotVisible === '0'
          );
        },
        'the messages deleted',
        { withinMs: 30_000 },
      );
      // To the whole group, as a terminal's Ctrl-C does: npm exec dies of it at once (it does not wait for its
      // child), so the drain shows in sluice's own last log line, not in npx's exit code.
      process.kill(-(worker.child.pid ?? 0), 'SIGTERM');
      await eventually(
        () => worker.output().includes('"msg":"workers stopped"'),
        'the worker drained and stopped',
        {
          withinMs: 30_000,
          detail: worker.output,
        },
      );
    });

  it('serves sluice/pulumi where its optional peers are installed', () => {
    for (const peer of ['@pulumi/pulumi', '@pulumi/aws']) linkDevDependency(pkg.app, peer);
    const run = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('sluice/pulumi'); console.log(typeof m.SluiceWorkerService, typeof m.SluicePipeWorker, typeof m.loadAwsModel)",
      ],
      { cwd: pkg.app, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, 'function function function\n');
  });

  for (const resolution of ['nodenext', 'bundler'] as const) {
    it(`type-checks a strict TypeScript project (moduleResolution ${resolution}) against the .d.ts`, () => {
      linkDevDependency(pkg.app, '@types/node');
      const dir = join(pkg.app, `types-${resolution}`);
      mkdirSync(dir, { recursive: true });
      copyFileSync(join(FIXTURES, 'example.ts'), join(dir, 'example.ts'));
      const module = resolution === 'nodenext' ? 'nodenext' : 'preserve';
      writeFileSync(
        join(dir, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module,
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            exactOptionalPropertyTypes: true,
            noUncheckedIndexedAccess: true,
            noEmit: true,
            types: ['node'],
          },
          files: ['example.ts'],
        }),
      );
      const run = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stdout + run.stderr);
    });
  }

  it('loads sluice without aws-cdk-lib; sluice/cdk wants it, and works once the peers are installed', () => {
    const load = (what: string) =>
      spawnSync(process.execPath, ['--input-type=module', '-e', `await import('${what}')`], {
        cwd: pkg.app,
        encoding: 'utf8',
      });
    assert.equal(load('sluice').status, 0, load('sluice').stderr);
    const without = load('sluice/cdk');
    assert.notEqual(without.status, 0);
    assert.match(without.stderr, /Cannot find package 'aws-cdk-lib'/);
    linkDevDependency(pkg.app, 'aws-cdk-lib');
    linkDevDependency(pkg.app, 'constructs');
    const run = spawnSync(process.execPath, ['cdk-app.mjs'], { cwd: pkg.app, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').at(-1)!), { min: 1, max: 10 });
  });

  it('declares no `any`, and imports no .ts file from its JavaScript or declarations', () => {
    const dist = join(pkg.app, 'node_modules/sluice/dist');
    const found: string[] = [];
    for (const name of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(d\.ts|js)$/.test(name)) continue;
      const text = readFileSync(join(dist, name), 'utf8');
      const file = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        const line = () => `${name}:${file.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
        if (node.kind === ts.SyntaxKind.AnyKeyword) found.push(`${line()} any`);
        const specifier =
          ts.isImportDeclaration(node) || ts.isExportDeclaration(node)
            ? node.moduleSpecifier
            : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword
              ? node.arguments[0]
              : ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)
                ? node.argument.literal
                : undefined;
        if (specifier && ts.isStringLiteral(specifier) && /^\.\.?\/.*\.[mc]?ts$/.test(specifier.text))
          found.push(`${line()} ${specifier.text}`);
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
    assert.deepEqual(found, []);
  });
});
