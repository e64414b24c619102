/**
 * The status of each task's latest journal line, one byte per plan index. Not a Map of task
 * ids: a JavaScript Map or Set holds at most 2^24 (16.8 M) entries and costs ~100 bytes an
 * entry, while a plan may have MAX_PLANNED_TASKS tasks. The array grows with the highest
 * index seen (never past the plan), so a big plan with few results stays small.
 */
import type { TaskStatus } from '../api.ts';
import { MAX_PLANNED_TASKS } from '../farm/plan-check.ts';
import { STATUS_CODES } from '../protocol.ts';

/** Every TaskStatus in the wire's order (protocol.ts), for validation and counting; a status's code here is its position + 1 (0: no result). */
export const TASK_STATUSES: readonly TaskStatus[] = STATUS_CODES;

/** The code of `error` (the one failed status). */
export const ERROR_CODE = TASK_STATUSES.indexOf('error') + 1;

const CODES: ReadonlyMap<TaskStatus, number> = new Map(TASK_STATUSES.map((s, i) => [s, i + 1]));

/** A status's code (1 …), 0 for none. */
export function statusCode(status: TaskStatus): number {
  return CODES.get(status) ?? 0;
}

/** Past this many entries a per-task array grows to its limit at once (see grownLength). */
const GROW_AT_ONCE = 1 << 20;

/**
 * The length a per-task array grows to for `index`: doubling while small, then at once to
 * `limit`. A fresh array costs no memory until written (the system maps zeroed pages on
 * demand) while a copy touches every byte it copies, so copying at most GROW_AT_ONCE entries
 * once is cheaper than doubling a 10^8-entry plan's array in steps.
 */
export function grownLength(length: number, index: number, limit: number): number {
  if (index >= GROW_AT_ONCE) return limit;
  return Math.min(limit, Math.max(index + 1, length * 2));
}

/** Latest status per plan index. */
export class TaskStatuses {
  /** Per index: 0 = no line, else the status's code. */
  #codes: Uint8Array;
  /** Indices this covers: the plan's size, or MAX_PLANNED_TASKS when it is not known. */
  readonly limit: number;
  #size = 0;

  /** For a plan of `count` tasks (default: any index below MAX_PLANNED_TASKS). */
  constructor(count?: number) {
    this.limit = Math.min(count ?? MAX_PLANNED_TASKS, MAX_PLANNED_TASKS);
    this.#codes = new Uint8Array(Math.min(1024, this.limit));
  }

  /** Indices with a status. */
  get size(): number {
    return this.#size;
  }

  /** Whether `index` is one this covers (0 ≤ index < limit). */
  covers(index: number): boolean {
    return index >= 0 && index < this.limit;
  }

  /** Per index, 0 or a status code; at least as long as the highest index set, at most the plan. */
  get codes(): Uint8Array {
    return this.#codes;
  }

  get(index: number): TaskStatus | undefined {
    const code = this.#codes[index] ?? 0;
    return code === 0 ? undefined : TASK_STATUSES[code - 1];
  }

  has(index: number): boolean {
    return (this.#codes[index] ?? 0) !== 0;
  }

  /** Sets the status of `index` (covered); returns the one it replaces. */
  set(index: number, status: TaskStatus): TaskStatus | undefined {
    if (index >= this.#codes.length) this.#grow(index);
    const previous = this.get(index);
    if (previous === undefined) this.#size++;
    this.#codes[index] = statusCode(status);
    return previous;
  }

  #grow(index: number): void {
    const codes = new Uint8Array(grownLength(this.#codes.length, index, this.limit));
    codes.set(this.#codes);
    this.#codes = codes;
  }
}
