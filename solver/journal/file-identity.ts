/**
 * Whether a path still names the file (or folder) a run opened. A run writes through open
 * descriptors, which keep working when their file is removed, renamed or replaced under them:
 * the writes then go to a file nobody can find, or to one moved elsewhere, while the path
 * names something else (or nothing). Comparing the descriptor's identity (device and inode)
 * with the path's tells the two apart, for the price of one stat.
 */
import { fstatSync, readlinkSync, statSync } from 'node:fs';

/** Device and inode of a file, as bigints (inodes may pass 2^53 on some file systems). */
export interface FileIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** The identity of the file open as `fd`. */
export function identityOf(fd: number): FileIdentity {
  const st = fstatSync(fd, { bigint: true });
  return { dev: st.dev, ino: st.ino };
}

/** The identity of what `path` names now, or null when it names nothing reachable. */
export function identityAt(path: string): FileIdentity | null {
  try {
    const st = statSync(path, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  } catch {
    return null;
  }
}

/** Whether `path` still names the file with identity `id`. */
export function stillAt(path: string, id: FileIdentity): boolean {
  const now = identityAt(path);
  return now !== null && now.dev === id.dev && now.ino === id.ino;
}

/**
 * Where the file open as `fd` is now, when the system can tell (Linux: /proc/self/fd), and it
 * is still reachable there: its new path after a move. Null when it was removed, or where the
 * system cannot tell.
 */
export function pathOfOpenFile(fd: number, id: FileIdentity): string | null {
  let where: string;
  try {
    where = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return null;
  }
  // Checked, not trusted: a removed file reads as "<path> (deleted)", and a name can be reused.
  return where.startsWith('/') && stillAt(where, id) ? where : null;
}
