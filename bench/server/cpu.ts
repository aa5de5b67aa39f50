/** CPU time a process has used so far (user + system), from /proc/PID/stat. */
import { readFileSync } from 'node:fs';

/** Clock ticks per second: 100 on every Linux this runs on (sysconf(_SC_CLK_TCK)). */
const TICKS = 100;

export function cpuSeconds(pid: number): number {
  const { user, system } = cpuTimes(pid);
  return user + system;
}

export interface CpuTimes {
  user: number;
  system: number;
}

/** User and system CPU seconds a process has used so far. */
export function cpuTimes(pid: number): CpuTimes {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return { user: Number(fields[11]) / TICKS, system: Number(fields[12]) / TICKS };
}
