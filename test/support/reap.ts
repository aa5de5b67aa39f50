/**
 * Loaded into every test file's process (`--import`, see test/run.ts): when
 * the file's process exits, any process its tests started and did not end is
 * killed and named on stderr. Tests end their processes in their own
 * teardown; this is the net under them, so a failed or timed-out test cannot
 * leave a server or a worker pool running into the next file or past the run.
 */
import { descendants, isTranspiler, killAll } from './processes.ts';

if (process.env.NODE_TEST_CONTEXT !== undefined) {
  process.on('exit', () => {
    // An empty command line: a process already on its way out (killed, not yet reaped).
    const strays = descendants(process.pid).filter((p) => !isTranspiler(p) && p.command !== '');
    if (strays.length === 0) return;
    killAll(strays);
    const file = process.argv.find((a) => a.endsWith('.test.ts')) ?? process.argv[1];
    const list = strays.map((p) => `  ${p.pid} ${p.command}`).join('\n');
    process.stderr.write(`reaped ${strays.length} process(es) left running by ${file}:\n${list}\n`);
  });
}
