/**
 * An index of a journal by plan index — where each task's latest line is (byte offset and
 * length, 12 bytes a task) — so exports (CSV in plan order) and viewers can read a run's
 * results back one at a time without holding them all in memory.
 *
 * Bounded by the plan, but costing by what the journal holds: the per-task arrays grow with
 * the highest index that has a result (a sweep of 10^8 tasks stopped after a few results stays
 * small). Results are also counted per block of plan indices, so a page far into a big plan
 * is found by skipping blocks, not by walking every index.
 */
import { closeSync } from 'node:fs';
import type { TaskResult } from '../api.ts';
import { type JournalScan, type ReadJournalOptions, readJournal } from './journal-reader.ts';
import { openRunFile, readRunFileAt } from './run-file.ts';
import { grownLength } from './task-statuses.ts';

/** Plan indices per block of `blocks` (a page walks at most this many empty indices per result). */
export const INDEX_BLOCK = 256;

/** Offsets and lengths of lines in journal order, in growing typed arrays (12 bytes a line). */
export class LineList {
  #offsets = new Float64Array(64);
  #lengths = new Uint32Array(64);
  length = 0;

  push(offset: number, length: number): void {
    if (this.length === this.#offsets.length) {
      const offsets = new Float64Array(this.length * 2);
      offsets.set(this.#offsets);
      this.#offsets = offsets;
      const lengths = new Uint32Array(this.length * 2);
      lengths.set(this.#lengths);
      this.#lengths = lengths;
    }
    this.#offsets[this.length] = offset;
    this.#lengths[this.length] = length;
    this.length++;
  }

  offset(i: number): number {
    return this.#offsets[i] ?? 0;
  }

  lineLength(i: number): number {
    return this.#lengths[i] ?? 0;
  }
}

/** Where each task's latest result line is in a journal. */
export interface JournalIndex {
  file: string;
  /** Per plan index: byte offset + 1 of its latest line (0 = no result); up to the highest index with one. */
  offsets: Float64Array;
  /** Per plan index: byte length of that line (newline excluded); as long as `offsets`. */
  lengths: Uint32Array;
  /** Per block of INDEX_BLOCK plan indices: how many of them have a result. */
  blocks: Uint32Array;
  /** Lines whose index is outside 0..count-1 (kept, listed after the plan's). */
  extra: LineList;
  /** Results: plan tasks with a line, then the out-of-plan lines. */
  results: number;
  scan: JournalScan;
}

/**
 * Indexes a journal for a plan of `count` tasks. Reads it in chunks and lets the event loop
 * run between them. Throws, naming the file, when it is not a regular file.
 */
export async function indexJournal(
  file: string,
  count: number,
  options: ReadJournalOptions = {},
): Promise<JournalIndex> {
  // Grown with the highest index seen (up to the plan's end): a plan of 10^8 tasks with a few
  // results near its start costs a few KiB, not 1.2 GB.
  let offsets = new Float64Array(Math.min(count, 1024));
  let lengths = new Uint32Array(offsets.length);
  const blocks = new Uint32Array(Math.ceil(count / INDEX_BLOCK));
  const extra = new LineList();
  let inPlan = 0;
  const scan = await readJournal(file, {
    count,
    onResult: (r, line, offset, bytes) => {
      if (r.index < count) {
        if (r.index >= offsets.length) {
          const grown = grownLength(offsets.length, r.index, count);
          const o = new Float64Array(grown);
          o.set(offsets);
          offsets = o;
          const l = new Uint32Array(grown);
          l.set(lengths);
          lengths = l;
        }
        if (offsets[r.index] === 0) {
          inPlan++;
          const b = Math.floor(r.index / INDEX_BLOCK);
          blocks[b] = (blocks[b] ?? 0) + 1;
        }
        offsets[r.index] = offset + 1;
        lengths[r.index] = bytes;
      } else extra.push(offset, bytes);
      options.onResult?.(r, line, offset, bytes);
    },
  });
  return { file, offsets, lengths, blocks, extra, results: inPlan + extra.length, scan };
}

/** Where a result of the index is: the nth (0-based) in plan order, then the out-of-plan ones. */
export interface IndexedLine {
  offset: number;
  length: number;
}

/**
 * The places of up to `limit` results from the `from`-th (0-based, in plan order, then the
 * out-of-plan ones), stopping early once they add up to `maxBytes`. Skips whole blocks without
 * results, so a page costs the blocks before it plus the indices of the blocks it reads.
 */
export function pageOfIndex(index: JournalIndex, from: number, limit: number, maxBytes: number): IndexedLine[] {
  const out: IndexedLine[] = [];
  let bytes = 0;
  const take = (offset: number, length: number): boolean => {
    if (out.length > 0 && bytes + length > maxBytes) return false;
    out.push({ offset, length });
    bytes += length;
    return out.length < limit;
  };
  if (limit <= 0) return out;
  const { offsets, lengths, blocks } = index;
  let seen = 0;
  for (let b = 0; b < blocks.length; b++) {
    const inBlock = blocks[b] ?? 0;
    if (inBlock === 0) continue;
    if (seen + inBlock <= from) {
      seen += inBlock;
      continue;
    }
    const end = Math.min(offsets.length, (b + 1) * INDEX_BLOCK);
    for (let i = b * INDEX_BLOCK; i < end; i++) {
      const at = offsets[i] ?? 0;
      if (at === 0 || seen++ < from) continue;
      if (!take(at - 1, lengths[i] ?? 0)) return out;
    }
  }
  for (let k = Math.max(0, from - seen); k < index.extra.length; k++) {
    if (!take(index.extra.offset(k), index.extra.lineLength(k))) return out;
  }
  return out;
}

/**
 * Reads the lines at `places` of the indexed journal back as results. The file is opened as
 * any run file is (a regular file, never a blocking open), since it may have been swapped.
 */
export function readIndexedResults(index: JournalIndex, places: readonly IndexedLine[]): TaskResult[] {
  if (places.length === 0 || !index.scan.exists) return [];
  const opened = openRunFile(index.file);
  if (opened === null) return [];
  const out: TaskResult[] = [];
  try {
    let buffer = Buffer.allocUnsafe(4096);
    for (const { offset, length } of places) {
      if (buffer.length < length) buffer = Buffer.allocUnsafe(length * 2);
      readRunFileAt(index.file, opened.fd, buffer, length, offset);
      out.push(JSON.parse(buffer.toString('utf8', 0, length)) as TaskResult);
    }
  } finally {
    closeSync(opened.fd);
  }
  return out;
}

/**
 * The latest result of every task in plan order (then the out-of-plan ones), read one line
 * at a time from the journal.
 */
export function* resultsInPlanOrder(index: JournalIndex): Generator<TaskResult> {
  let places: IndexedLine[] = [];
  const flush = function* (): Generator<TaskResult> {
    yield* readIndexedResults(index, places);
    places = [];
  };
  for (let i = 0; i < index.offsets.length; i++) {
    const at = index.offsets[i] ?? 0;
    if (at === 0) continue;
    places.push({ offset: at - 1, length: index.lengths[i] ?? 0 });
    if (places.length === 1024) yield* flush();
  }
  for (let k = 0; k < index.extra.length; k++) {
    places.push({ offset: index.extra.offset(k), length: index.extra.lineLength(k) });
    if (places.length === 1024) yield* flush();
  }
  yield* flush();
}
