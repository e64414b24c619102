/**
 * Test helper: which processes a process started, and whether a pid is still a live process,
 * read from Linux's /proc (the orphan and signal tests are Linux-only for that reason).
 */
import { readdirSync, readFileSync } from 'node:fs';

/** State letter and parent pid of `pid` from /proc/<pid>/stat; null when there is no such process. */
function stat(pid: number): { state: string; ppid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // "pid (comm) S ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
}

/** Pids whose parent is `pid` right now. */
export function childPids(pid: number): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    if (stat(Number(name))?.ppid === pid) found.push(Number(name));
  }
  return found;
}

/**
 * Whether `pid` is a running process. A zombie counts as gone: it no longer runs, and in a
 * container whose init does not reap, an orphan's zombie would otherwise stay forever.
 */
export function isRunning(pid: number): boolean {
  const s = stat(pid);
  return s !== null && s.state !== 'Z' && s.state !== 'X';
}
