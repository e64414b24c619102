/**
 * An index of a journal by plan index — where each task's latest line is (byte offset and
 * length, 12 bytes a task) — so exports (CSV in plan order) and viewers can read a run's
 * results back one at a time without holding them all in memory.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { TaskResult } from '../api.ts';
import { type JournalScan, type ReadJournalOptions, readJournalSync } from './journal-reader.ts';

/** Where each task's latest result line is in a journal. */
export interface JournalIndex {
  file: string;
  /** Per plan index: byte offset + 1 of its latest line (0 = no result). */
  offsets: Float64Array;
  /** Per plan index: byte length of that line (newline excluded). */
  lengths: Uint32Array;
  /** Lines whose index is outside 0..count-1 (kept, listed after the plan's). */
  extra: { offset: number; length: number }[];
  scan: JournalScan;
}

/** Indexes a journal for a plan of `count` tasks (synchronously). */
export function indexJournal(file: string, count: number, options: ReadJournalOptions = {}): JournalIndex {
  const offsets = new Float64Array(count);
  const lengths = new Uint32Array(count);
  const extra: { offset: number; length: number }[] = [];
  const scan = readJournalSync(file, {
    onResult: (r, line, offset, bytes) => {
      if (r.index < count) {
        offsets[r.index] = offset + 1;
        lengths[r.index] = bytes;
      } else extra.push({ offset, length: bytes });
      options.onResult?.(r, line, offset, bytes);
    },
  });
  return { file, offsets, lengths, extra, scan };
}

/**
 * The latest result of every task in plan order (then the out-of-plan ones), read one line
 * at a time from the journal.
 */
export function* resultsInPlanOrder(index: JournalIndex): Generator<TaskResult> {
  if (!index.scan.exists) return;
  const fd = openSync(index.file, 'r');
  try {
    let buffer = Buffer.allocUnsafe(4096);
    const read = (offset: number, length: number): TaskResult => {
      if (buffer.length < length) buffer = Buffer.allocUnsafe(length * 2);
      readSync(fd, buffer, 0, length, offset);
      return JSON.parse(buffer.toString('utf8', 0, length)) as TaskResult;
    };
    for (let i = 0; i < index.offsets.length; i++) {
      const at = index.offsets[i] ?? 0;
      if (at !== 0) yield read(at - 1, index.lengths[i] ?? 0);
    }
    for (const e of index.extra) yield read(e.offset, e.length);
  } finally {
    closeSync(fd);
  }
}
