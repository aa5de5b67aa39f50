/**
 * What the week's processes use, read from /proc (Linux): CPU seconds (user +
 * system), resident memory now and at its peak (VmRSS, VmHWM), and a process's
 * children (the worker processes under `sluice scale`). A process that has
 * exited keeps the last values read while it lived.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { cpuSeconds } from '../server/cpu.ts';

export interface ProcSample {
  pid: number;
  cpuSeconds: number;
  rssBytes: number;
  peakRssBytes: number;
}

function statusKb(pid: number, field: string): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0) * 1024;
}

/** One process now, or undefined once it has gone. */
export function sample(pid: number): ProcSample | undefined {
  try {
    return {
      pid,
      cpuSeconds: cpuSeconds(pid),
      rssBytes: statusKb(pid, 'VmRSS'),
      peakRssBytes: statusKb(pid, 'VmHWM'),
    };
  } catch {
    return undefined;
  }
}

/** Pids whose parent is `pid` and whose arguments include `arg` (tsx's esbuild helper is a child too). */
export function childrenOf(pid: number, arg: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      if (argv.includes(arg)) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/** The last sample of every process seen, by pid; totals over a group of them. */
export class ProcTable {
  readonly last = new Map<number, ProcSample & { role: string }>();

  note(role: string, pid: number): ProcSample | undefined {
    const s = sample(pid);
    if (s) this.last.set(pid, { ...s, role });
    return s;
  }

  ofRole(role: string): (ProcSample & { role: string })[] {
    return [...this.last.values()].filter((p) => p.role === role);
  }

  cpu(role: string): number {
    return this.ofRole(role).reduce((sum, p) => sum + p.cpuSeconds, 0);
  }
}
