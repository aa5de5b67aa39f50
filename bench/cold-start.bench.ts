/**
 * Cold start of the CLI: `sluice --version` and `sluice plan …`, each a new
 * process, from the package as a user installs it (built JavaScript; see
 * test/package/installed.ts) against today's start in a checkout (bin/sluice.js
 * registering tsx, which compiles src/ on every start). Wall time per run;
 * the median and the fastest of BENCH_RUNS runs after BENCH_WARMUP.
 *
 * Targets (issue 13): installed `--version` ≤ 150 ms median, `plan` ≤ 300 ms.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { installPackage, REPO } from '../test/package/installed.ts';
import { describeMachine } from './lib/machine.ts';
import { replaceSection } from './lib/readme.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const PLAN = [
  'plan',
  '--backlog',
  '2.8M',
  '--incoming',
  '600k',
  '--per-worker',
  '43200',
  '--deadline',
  '14d',
];
const TARGET_MS: Record<string, number> = { '--version': 150, plan: 300 };

interface Row {
  command: string;
  from: 'installed' | 'checkout (tsx)' | 'node alone';
  medianMs: number;
  minMs: number;
  /** User + system CPU time of the median run (from /usr/bin/time). */
  cpuMs: number;
  targetMs: number | undefined;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length / 2;
  return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
};

function time(bin: string, args: string[], cwd: string): { medianMs: number; minMs: number; cpuMs: number } {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const start = performance.now();
    const run = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, bin, ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const ms = performance.now() - start;
    if (run.status !== 0) throw new Error(`sluice ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
    const [user = 0, sys = 0] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
    if (i >= WARMUP) {
      walls.push(ms);
      cpus.push((user + sys) * 1000);
    }
  }
  return {
    medianMs: Math.round(median(walls)),
    minMs: Math.round(Math.min(...walls)),
    cpuMs: Math.round(median(cpus)),
  };
}

const pkg = installPackage();
try {
  const installedBin = join(pkg.app, 'node_modules/sluice/bin/sluice.js');
  const checkoutBin = join(REPO, 'bin/sluice.js');
  // The floor: Node starting and exiting with nothing to load.
  const rows: Row[] = [
    { command: 'node -e 0', from: 'node alone', ...time('-e', ['0'], REPO), targetMs: undefined },
  ];
  for (const [command, args] of [
    ['--version', ['--version']],
    ['plan', PLAN],
  ] as const) {
    for (const [from, bin, cwd] of [
      ['installed', installedBin, pkg.app],
      ['checkout (tsx)', checkoutBin, REPO],
    ] as const) {
      rows.push({
        command,
        from,
        ...time(bin, [...args], cwd),
        targetMs: from === 'installed' ? TARGET_MS[command] : undefined,
      });
    }
  }
  const machine = describeMachine('n/a');
  const table = [
    '| command | from | median | fastest | CPU (median) | target |',
    '| --- | --- | ---: | ---: | ---: | --- |',
    ...rows.map(
      (r) =>
        `| \`${r.from === 'node alone' ? r.command : `sluice ${r.command === 'plan' ? 'plan …' : r.command}`}\` | ${r.from} | ${r.medianMs} ms | ${r.minMs} ms | ${r.cpuMs} ms | ${
          r.targetMs === undefined ? '' : `≤ ${r.targetMs} ms: ${r.medianMs <= r.targetMs ? 'met' : 'missed'}`
        } |`,
    ),
  ];
  console.log(table.join('\n'));
  if (process.env.BENCH_NO_WRITE !== '1') {
    writeFileSync(
      join(REPO, 'bench/results/cold-start.json'),
      `${JSON.stringify({ machine, runs: RUNS, rows }, null, 2)}\n`,
    );
    replaceSection(
      join(REPO, 'bench/README.md'),
      '<!-- cold-start:start -->',
      '<!-- cold-start:end -->',
      [
        '<!-- cold-start:start -->',
        `Run on ${machine.date.slice(0, 10)}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}, ${machine.platform}; load average ${loadavg()[0]?.toFixed(1)} at the end.`,
        '',
        `${RUNS} runs after ${WARMUP} warm-up; wall time of the whole process. \`plan …\` is \`${PLAN.join(' ')}\`.`,
        '',
        ...table,
        '<!-- cold-start:end -->',
      ].join('\n'),
    );
  }
} finally {
  pkg.remove();
}
