/**
 * Resident memory of a solver process as the OS sees it, for the memory cap (RunLimits).
 * Read from outside because a process deep in a synchronous solve reports nothing itself,
 * and because V8's heap flag does not cover WebAssembly memory (glpk.js, HiGHS).
 */
import { readFileSync } from 'node:fs';

/** Resident set size of `pid` in bytes (Linux /proc); undefined where it cannot be read. */
export function readRss(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined; // gone, or not ours to read
  }
  const m = /\nVmRSS:\s*(\d+)\s*kB/.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}
