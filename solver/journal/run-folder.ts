/**
 * Where a run may be written, checked before anything is created, and the folders made one
 * level at a time.
 *
 * Not `mkdirSync(dir, { recursive: true })`: Node's recursive mkdir loops forever, at 100% CPU
 * and deaf to signals (it is synchronous), when the kernel answers ENOENT for a parent that
 * exists, as /proc does (`--out /proc/foo`). Creating each missing level ourselves makes every
 * failure an error naming the folder and the reason.
 */
import { accessSync, constants, mkdirSync, statfsSync, statSync } from 'node:fs';
import path from 'node:path';
import { describeOsError } from './os-error.ts';

/**
 * Linux pseudo file systems (statfs f_type, from linux/magic.h): they hold kernel state, not
 * files, and answer mkdir or write with odd errors, or with side effects (a folder made in
 * cgroupfs is a new control group).
 */
const PSEUDO_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x6165676c, 'pstore'],
  [0xde5e81e4, 'efivarfs'],
  [0x62656570, 'configfs'],
  [0x1cd1, 'devpts'],
  [0x65735543, 'fusectl'],
  [0x19800202, 'mqueue'],
  [0x42494e4d, 'binfmt_misc'],
  [0xf97cff8c, 'selinuxfs'],
]);

/** The nearest folder or file on the way up from `dir` that exists (the root at worst). */
function nearestExisting(dir: string): string {
  let at = path.resolve(dir);
  for (;;) {
    try {
      statSync(at);
      return at;
    } catch {
      const up = path.dirname(at);
      if (up === at) return at;
      at = up;
    }
  }
}

/** The pseudo file system `existing` lies on, by name, or null (or where statfs is unknown). */
function pseudoFileSystem(existing: string): string | null {
  try {
    return PSEUDO_FILE_SYSTEMS.get(Number(statfsSync(existing).type)) ?? null;
  } catch {
    return null;
  }
}

/**
 * Why a run cannot be written to `dir` (to be created, or an existing folder), or null when it
 * can: the nearest existing ancestor must be a writable folder on a real file system. Creates
 * nothing, so a job that then fails validation leaves no empty folder behind.
 */
export function unusableRunFolder(dir: string): string | null {
  const at = nearestExisting(dir);
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(at);
  } catch (err) {
    return `cannot look at ${at}: ${describeOsError(err)}`;
  }
  if (!st.isDirectory()) return `${at} is a file, expected a folder`;
  const pseudo = pseudoFileSystem(at);
  if (pseudo !== null) {
    return `${at} is on the ${pseudo} pseudo file system (kernel state, not files): choose a folder on a disk`;
  }
  try {
    accessSync(at, constants.W_OK);
  } catch {
    return `no permission to write in ${at}`;
  }
  return null;
}

/**
 * `mkdir -p dir`, one level at a time: the missing folders are created from the nearest
 * existing one down. Throws `cannot create the folder X: CODE (meaning)` on the first failure.
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  let at = path.resolve(dir);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(at).isDirectory();
    } catch {
      missing.push(at);
      const up = path.dirname(at);
      if (up === at) break;
      at = up;
      continue;
    }
    if (!isDir) throw new Error(`cannot create the folder ${dir}: ${at} is a file, expected a folder`);
    break;
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      // Made meanwhile by someone else: fine, if it is a folder.
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new Error(`cannot create the folder ${d}: ${describeOsError(err)}`, { cause: err });
    }
  }
}
