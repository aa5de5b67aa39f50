/**
 * On Node.js older than 22 the AWS SDK prints a nine-line
 * NodeVersionSupportWarning when its first client is made. sluice supports
 * Node 20 until its releases after early 2027 need a newer SDK, so it turns
 * the SDK's warning off (the switch the SDK reads,
 * AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) and says it in one line
 * of its own, once per process. Someone who set the switch has been told:
 * nothing is printed then.
 */

/** The dates each Node.js line below 22 reached end of life. */
const END_OF_LIFE: Readonly<Record<number, string>> = { 20: '2026-04-30', 21: '2024-06-01' };

const SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** The line for a Node.js version (`v20.20.2`), or undefined when none is due (22 or later). */
export function nodeVersionNotice(version: string): string | undefined {
  const major = Number.parseInt(version.replace(/^v/, ''), 10);
  if (!(major < 22)) return undefined;
  const eol = END_OF_LIFE[major];
  return `sluice: Node.js ${major} ${eol ? `reached end of life on ${eol}` : 'is past its end of life'}; AWS SDK releases after early 2027 need Node.js 22 or later`;
}

let done = false;

/**
 * Before the first AWS SDK client: silences the SDK's warning and prints
 * sluice's one line instead (once per process; never when the switch was set).
 *
 * @example
 * noteNodeVersion();
 * const sqs = new SQSClient({});
 */
export function noteNodeVersion(
  env: NodeJS.ProcessEnv = process.env,
  write: (line: string) => void = (line) => void process.stderr.write(line),
): void {
  if (done) return;
  done = true;
  const notice = nodeVersionNotice(process.version);
  if (notice === undefined || env[SWITCH] !== undefined) return;
  env[SWITCH] = 'true';
  write(`${notice}\n`);
}
