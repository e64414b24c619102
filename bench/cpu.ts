/**
 * CPU time of this process and of its finished children, to judge the farm on a busy
 * machine: wall-clock ratios suffer from whatever else runs, CPU time much less so.
 * Children's CPU comes from /proc/self/stat (cutime + cstime: children that exited and
 * were reaped), so it is Linux-only and resolves to the clock tick (10 ms).
 */
import { readFileSync } from 'node:fs';

/** CPU milliseconds: this process (all threads) and its reaped children (null if unknown). */
export interface CpuSample {
  selfMs: number;
  childrenMs: number | null;
}

const TICKS_PER_SECOND = 100; // USER_HZ: 100 on every Linux ABI in use

/** Read both counters now. */
export function cpuSample(): CpuSample {
  const u = process.cpuUsage();
  return { selfMs: (u.user + u.system) / 1000, childrenMs: childrenCpuMs() };
}

/** Difference `b - a`. */
export function cpuSince(a: CpuSample, b: CpuSample = cpuSample()): CpuSample {
  return {
    selfMs: b.selfMs - a.selfMs,
    childrenMs: a.childrenMs === null || b.childrenMs === null ? null : b.childrenMs - a.childrenMs,
  };
}

function childrenCpuMs(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after "(comm)": state is field 3, so field n is at index n - 3.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cutime = Number(f[16 - 3]);
    const cstime = Number(f[17 - 3]);
    if (!Number.isFinite(cutime) || !Number.isFinite(cstime)) return null;
    return ((cutime + cstime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU milliseconds a live process used so far (utime + stime from /proc/PID/stat), or null. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(f[14 - 3]);
    const stime = Number(f[15 - 3]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    return ((utime + stime) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** Summed CPU ms of live processes, or null when any is unknown. */
export function processesCpuMs(pids: readonly number[]): number | null {
  let sum = 0;
  for (const pid of pids) {
    const ms = processCpuMs(pid);
    if (ms === null) return null;
    sum += ms;
  }
  return sum;
}
