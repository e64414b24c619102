/**
 * What a job may read and what code it may load (DESIGN 'Trust boundaries'). A job document
 * names files (a sweep's `modelFile`, a batch's `files`, a TSP `instance`) and, for the
 * custom kind, a module the farm imports and runs. Who sent the job decides what it may name:
 *
 * - a job file the user gave us (command line, a file the desktop app was asked to open):
 *   files anywhere the user can read; a module only from that file's own folder or below,
 *   named by a relative path (never absolute, never `..` out of it);
 * - a page (the browser panel, the desktop window): files only beneath the folders the
 *   shell exposes (`serve --root`, or what the user picked in the desktop app); modules only
 *   from folders the shell allows (`serve --allow-modules`), otherwise none.
 *
 * Containment is checked on real paths, so a symbolic link inside an exposed folder that
 * points outside it is refused like the path it points to.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { Reader } from './validate.ts';

/**
 * The part of a kind's ParseContext (types.ts) that path checks read. Written out here, not
 * imported: types.ts imports JobAccess from this file, and the two must not import each other.
 */
export interface PathContext {
  /** Folder that relative paths in the job resolve against. */
  baseDir: string;
  /** What the job may read and load; absent: a job file's rules. */
  access?: JobAccess;
}

/** The rules one start request's job is checked against. */
export interface JobAccess {
  /** Folders (or single files) the job may name files beneath; null: anywhere (a job file the user gave). */
  readonly roots: readonly string[] | null;
  /** Where custom kind modules may load from: the job file's own folder, or these folders (none when empty). */
  readonly modules: 'job-folder' | readonly string[];
  /** What the user can do when a file or module is refused, e.g. "start serve with --root DIR". */
  readonly hint?: string;
}

/** A job file the user gave (command line, OS file association, a built-in example). */
export const JOB_FILE_ACCESS: JobAccess = Object.freeze({ roots: null, modules: 'job-folder' });

/** File endings a kind module may have: what Node imports as code. */
const MODULE_ENDINGS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts']);

/** Links followed at most while resolving one path (Linux's own limit, MAXSYMLINKS, is 40). */
const MAX_LINKS = 40;

/**
 * The path with symbolic links resolved, also for a path that does not exist (yet): the real
 * path of its nearest existing folder with the rest appended, and a link that leads nowhere
 * followed to its target. So a path through a link that leads outside is placed outside
 * whether or not its file exists: a refusal never tells a page what exists out there. Null
 * for a loop of links (nothing could be read there anyway).
 */
function realOrLexical(path: string, links = 0): string | null {
  try {
    return realpathSync(path);
  } catch {
    // not there, or not reachable: resolve what is there, below
  }
  if (links > MAX_LINKS) return null;
  const parent = dirname(path);
  if (parent === path) return path;
  const realParent = realOrLexical(parent, links);
  if (realParent === null) return null;
  let target: string | null = null;
  try {
    if (lstatSync(path).isSymbolicLink()) target = readlinkSync(path);
  } catch {
    // no such entry: the name is appended as it is
  }
  if (target !== null) return realOrLexical(resolve(realParent, target), links + 1);
  return join(realParent, basename(path));
}

/** Whether `path` is `root` or lies beneath it. */
export function isWithin(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** Whether both the lexical and the real form of `path` lie within one of `roots` (checked on real paths too). */
function allowedBy(roots: readonly string[], path: string): boolean {
  const real = realOrLexical(path);
  if (real === null) return false;
  return roots.some((root) => {
    const realRoot = realOrLexical(resolve(root)) ?? resolve(root);
    return (isWithin(resolve(root), path) || isWithin(realRoot, path)) && isWithin(realRoot, real);
  });
}

function rootsText(roots: readonly string[]): string {
  return roots.length === 0 ? 'none' : roots.join(', ');
}

/**
 * Where a page's job resolves relative paths: the folder of its source when that is an
 * absolute path the page may name, else the first exposed folder.
 */
export function pageBaseDir(access: JobAccess, source: string, fallback: string): string {
  if (access.roots === null) return fallback;
  if (isAbsolute(source) && allowedBy(access.roots, source)) return resolve(source, '..');
  return access.roots[0] ?? fallback;
}

/**
 * Resolve a file or folder a job names (relative to the job's folder) and check the job may
 * name it. Refusals are located at the field; they do not say whether the path exists.
 */
export function jobFilePath(field: Reader, ctx: PathContext, given = field.string()): string {
  const path = isAbsolute(given) ? resolve(given) : resolve(ctx.baseDir, given);
  const roots = accessOf(ctx).roots;
  if (roots !== null && !allowedBy(roots, path)) {
    field.fail(
      `a path inside the folders this farm exposes (${rootsText(roots)}); ${path} is outside them${hintOf(ctx)}`,
    );
  }
  return path;
}

/** Whether a file found while walking a folder the job named may be read (a link may lead outside). */
export function mayRead(ctx: PathContext, path: string): boolean {
  const roots = accessOf(ctx).roots;
  return roots === null || allowedBy(roots, path);
}

function accessOf(ctx: PathContext): JobAccess {
  return ctx.access ?? JOB_FILE_ACCESS;
}

function hintOf(ctx: PathContext): string {
  const hint = accessOf(ctx).hint;
  return hint === undefined ? '' : ` (${hint})`;
}

/**
 * Resolve and check a custom kind's module path. Returns the absolute path to import; the
 * caller decides whether to import it (preview never does).
 */
export function jobModulePath(field: Reader, ctx: PathContext): string {
  const given = field.string();
  const modules = accessOf(ctx).modules;
  if (modules !== 'job-folder' && modules.length === 0) {
    field.fail(
      `no custom kind here: this farm does not load code a page sends${hintOf(ctx)}; run the job from a job file instead (solver-farm run job.json)`,
    );
  }
  if (!MODULE_ENDINGS.has(extname(given).toLowerCase())) {
    field.fail(`a kind module ending in ${[...MODULE_ENDINGS].join(', ')}`);
  }
  if (modules === 'job-folder') {
    if (isAbsolute(given)) {
      field.fail(`a path relative to the job file's folder ${ctx.baseDir} (absolute module paths are not loaded)`);
    }
    const path = resolve(ctx.baseDir, given);
    if (!allowedBy([ctx.baseDir], path)) {
      field.fail(`a module inside the job file's folder ${ctx.baseDir} or below (${path} is outside it)`);
    }
    return path;
  }
  const path = isAbsolute(given) ? resolve(given) : resolve(ctx.baseDir, given);
  if (!allowedBy(modules, path)) {
    field.fail(
      `a module inside the folders allowed for custom kinds (${rootsText(modules)}); ${path} is outside them${hintOf(ctx)}`,
    );
  }
  return path;
}
