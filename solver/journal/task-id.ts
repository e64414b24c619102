/**
 * Task identity (DESIGN 'Run directory and results'): a task's id is a hash of its inputs —
 * the job kind, a content hash of the parsed spec and the task's own parameters — so the
 * same task has the same id in another run of the same job, even if the job file moved.
 * Resume matches journal lines to plan entries by this id, never by position alone.
 *
 * This is the ONE implementation: the farm stamps TaskResult.id with it and resume
 * recomputes it. Changing the hashing changes every id, so old runs could no longer be
 * resumed: bump TASK_ID_VERSION if it ever has to change.
 */
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';

/** Part of every id hash; bump when the canonical form or the hash changes. */
export const TASK_ID_VERSION = 1;

/** Hex digits kept from the SHA-256 (80 bits: collisions stay negligible for millions of tasks). */
const ID_HEX_LENGTH = 20;

/** Options of canonicalJson. */
export interface CanonicalOptions {
  /**
   * Folder the job's relative paths resolve against. A string that is an absolute path inside
   * it is written relative to it, so a spec that holds resolved paths hashes the same after
   * the job folder moved (with its files).
   */
  baseDir?: string;
}

/**
 * JSON text of a value with object keys sorted at every level, so two equal values give the
 * same text whatever order their keys were built in. `undefined` members are dropped (as
 * JSON.stringify does); non-finite numbers become null; functions and symbols are dropped.
 */
export function canonicalJson(value: unknown, options: CanonicalOptions = {}): string {
  const base = options.baseDir === undefined ? undefined : path.resolve(options.baseDir);
  const parts: string[] = [];
  write(value, parts, base, new Set());
  return parts.join('');
}

function write(value: unknown, out: string[], base: string | undefined, seen: Set<object>): void {
  if (value === null || value === undefined) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(base === undefined ? value : relativize(value, base)));
      return;
    case 'number':
      out.push(Number.isFinite(value) ? JSON.stringify(value) : 'null');
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      out.push(JSON.stringify(value.toString()));
      return;
    case 'object':
      break;
    default:
      out.push('null');
      return;
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('canonicalJson: the value contains a cycle');
  seen.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      write(obj[i], out, base, seen);
    }
    out.push(']');
  } else if (ArrayBuffer.isView(obj)) {
    // Typed arrays (e.g. coordinates) hash as their plain number lists.
    write(Array.from(obj as unknown as ArrayLike<number>), out, base, seen);
  } else {
    const record = obj as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => {
        const v = record[k];
        return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
      })
      .sort();
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(record[k], out, base, seen);
    });
    out.push('}');
  }
  seen.delete(obj);
}

function relativize(s: string, base: string): string {
  if (!path.isAbsolute(s)) return s;
  const rel = path.relative(base, s);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return s;
  // Forward slashes: the same job hashes the same on Windows and POSIX.
  return `./${rel.split(path.sep).join('/')}`;
}

/** SHA-256 (hex) of the canonical JSON of a parsed spec: the spec's content hash. */
export function specHash(spec: unknown, options: CanonicalOptions = {}): string {
  return createHash('sha256').update(canonicalJson(spec, options)).digest('hex');
}

/**
 * Computes task ids for one job. The kind and spec hash are hashed once; each id then costs
 * one hash-state copy plus the task's parameters, which matters on the farm's hot path.
 */
export class TaskIdFactory {
  readonly kind: string;
  readonly specHash: string;
  readonly #prefix: Hash;

  constructor(kind: string, specHashHex: string) {
    this.kind = kind;
    this.specHash = specHashHex;
    this.#prefix = createHash('sha256').update(`solver-farm/task@${TASK_ID_VERSION}\0${kind}\0${specHashHex}\0`);
  }

  /** The id of a task with these parameters (what the plan's `task(i)` returns). */
  id(params: unknown): string {
    // Fast path for the common plain-number parameters; same text as canonicalJson gives.
    const text = typeof params === 'number' && Number.isFinite(params) ? String(params) : canonicalJson(params);
    return this.#prefix.copy().update(text).digest('hex').slice(0, ID_HEX_LENGTH);
  }
}

/** One-off form of TaskIdFactory.id. */
export function taskId(kind: string, specHashHex: string, params: unknown): string {
  return new TaskIdFactory(kind, specHashHex).id(params);
}
