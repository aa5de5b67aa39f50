/**
 * The pretty log format for a person at a terminal: one pino JSON line in,
 *
 *   12:01:52 INFO  push push-notifications  push delivered  to=ana latencyMs=21 messageId=c4c1…
 *
 * out — local time, the level, where it came from (worker or component,
 * queue, and the process's WORKER_ID when it is not the default host-pid),
 * the message, then the other fields as key=value, the message id last
 * (long, and wanted only when looking one up). What a machine needs and a
 * person does not (pid, hostname, epoch time) is left out, and so is the
 * stack of a warning (a retried failure): only errors show theirs. JSON
 * stays the format for everything that is not a terminal. A line that is not pino's JSON
 * passes through unchanged. Colour only when asked (a TTY without NO_COLOR).
 */

const LEVELS: Record<string, { label: string; colour: string }> = {
  trace: { label: 'TRACE', colour: '90' },
  debug: { label: 'DEBUG', colour: '36' },
  info: { label: 'INFO', colour: '32' },
  warn: { label: 'WARN', colour: '33' },
  error: { label: 'ERROR', colour: '31' },
  fatal: { label: 'FATAL', colour: '35' },
};
/** pino's numeric levels, for lines from a logger that writes numbers. */
const NUMBERED: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

/** Fields shown in the line's head or dropped, never as key=value. */
const HEAD = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'worker',
  'component',
  'queue',
  'workerId',
  'err',
  'messageId',
]);

export interface PrettyOptions {
  /** ANSI colours (a TTY without NO_COLOR). */
  colour: boolean;
}

const two = (n: number) => String(n).padStart(2, '0');

/** A value as it reads after `key=`: bare when it has no space or quote, JSON otherwise. */
function show(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return JSON.stringify(value);
}

/**
 * Formats one log line (with or without its trailing newline); returns it
 * with a newline.
 *
 * @example
 * formatPretty('{"level":"info","time":0,"worker":"push","msg":"started","n":1}', { colour: false });
 * // '00:00:00 INFO  push  started  n=1\n' (in UTC)
 */
export function formatPretty(line: string, options: PrettyOptions): string {
  const text = line.endsWith('\n') ? line.slice(0, -1) : line;
  let entry: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return `${text}\n`;
    entry = parsed as Record<string, unknown>;
  } catch {
    return `${text}\n`;
  }
  const paint = (code: string, s: string) => (options.colour && s !== '' ? `\x1b[${code}m${s}\x1b[0m` : s);

  const at = typeof entry.time === 'number' ? new Date(entry.time) : undefined;
  const time = at ? `${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}` : '--:--:--';
  const name = typeof entry.level === 'number' ? NUMBERED[entry.level] : String(entry.level ?? 'info');
  const level = LEVELS[name ?? ''] ?? { label: String(entry.level).toUpperCase(), colour: '0' };
  const defaultId = `${String(entry.hostname)}-${String(entry.pid)}`;
  const where = [
    entry.worker ?? entry.component,
    entry.queue,
    typeof entry.workerId === 'string' && entry.workerId !== defaultId ? entry.workerId : undefined,
  ]
    .filter((v) => v !== undefined && v !== null && v !== '')
    .map(String)
    .join(' ');
  const fields = Object.entries(entry)
    .filter(([key]) => !HEAD.has(key))
    .map(([key, value]) => `${paint('2', `${key}=`)}${show(value)}`);

  const err = entry.err as { type?: unknown; message?: unknown; stack?: unknown } | undefined;
  if (err && typeof err === 'object') {
    fields.push(`${paint('2', 'err=')}${show(`${err.type ?? 'Error'}: ${err.message ?? ''}`)}`);
  }
  if (entry.messageId !== undefined) fields.push(`${paint('2', 'messageId=')}${show(entry.messageId)}`);
  const head = [paint('2', time), paint(level.colour, level.label.padEnd(5))].join(' ');
  const loud = name === 'warn' || name === 'error' || name === 'fatal';
  const message = loud ? paint(level.colour, String(entry.msg ?? '')) : String(entry.msg ?? '');
  const parts = [where ? paint('36', where) : '', message, fields.join(' ')].filter((p) => p !== '');
  let out = `${head} ${parts.join('  ')}`;
  // A stack is for reading: below the line, indented, without its first line (the message again).
  if (err && typeof err.stack === 'string' && (name === 'error' || name === 'fatal')) {
    const frames = err.stack.split('\n').slice(1);
    if (frames.length > 0) out += `\n${paint('2', frames.map((f) => `    ${f.trim()}`).join('\n'))}`;
  }
  return `${out}\n`;
}
