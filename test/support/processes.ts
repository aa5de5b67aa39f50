/**
 * The processes of this machine as /proc shows them (Linux, where the tests
 * run): enough to find what a test run left behind and end it.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Z for a zombie: dead, waiting for its parent to read its status. */
  state: string;
  command: string;
}

function read(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const [state = '', ppid = '0', pgrp = '0'] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp), state, command: cmdline.slice(0, 200) };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Every live (non-zombie) process, or none where there is no /proc. */
export function processes(): ProcessInfo[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((e) => /^\d+$/.test(e))
    .map((e) => read(Number(e)))
    .filter((p): p is ProcessInfo => p !== undefined && p.state !== 'Z');
}

/** The live descendants of `root` (children, their children, …). */
export function descendants(root: number): ProcessInfo[] {
  const all = processes();
  const found: ProcessInfo[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all)
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
  }
  return found;
}

/** tsx's esbuild service: a helper of the process that loaded tsx, not something a test started. */
export const isTranspiler = (p: ProcessInfo): boolean => /esbuild\S* --service/.test(p.command);

/** SIGKILLs each process, ignoring those already gone. */
export function killAll(list: readonly ProcessInfo[]): void {
  for (const p of list) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      // already exited
    }
  }
}
