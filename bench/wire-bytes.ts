/**
 * Bytes per task on the farm's wire for the tiny sweep, and what they cost the main
 * process to parse: the same 256 Wyndor results as `rows` (columns, what every solver
 * sends, local or remote) and as one object per task (the form `rows` replaced).
 */
import type { SolveResult } from '../solver/problems/types.ts';
import { RowsWriter } from '../solver/solver-process/rows.ts';

/** A result as one object, with its plan index: the form measured against `rows`. */
type ObjectResult = SolveResult & { i: number };

/** Per task: JSON bytes and µs to JSON.parse, for both forms. */
export interface WireFigures {
  rowsBytes: number;
  objectBytes: number;
  rowsParseUs: number;
  objectParseUs: number;
}

/** Wyndor's optimum at window profit P (the two vertices that win for P ≥ 1). */
function wyndor(p: number): SolveResult {
  const high = p >= 200;
  const [doors, windows] = high ? [2, 6] : [4, 3];
  return {
    status: 'optimal',
    objective: 300 * doors + p * windows,
    timeMs: 0.012,
    engine: 'glpk',
    values: { doors, windows },
  };
}

function parseUs(text: string, tasks: number): number {
  const reps = 2000;
  const t0 = performance.now();
  for (let k = 0; k < reps; k++) JSON.parse(text);
  return ((performance.now() - t0) * 1000) / (reps * tasks);
}

/** Measure a batch of `tasks` results (P = 500, 501, …) in both forms. */
export function wireBytes(tasks = 256): WireFigures {
  const rows = new RowsWriter();
  const objects: ObjectResult[] = [];
  for (let k = 0; k < tasks; k++) {
    const r = wyndor(500 + k);
    rows.add(r, r.timeMs);
    objects.push({ ...r, i: 499 + k });
  }
  const rowsText = JSON.stringify(rows.take(7, true, 0));
  const objectText = JSON.stringify({ t: 'results', batch: 7, results: objects, done: true });
  return {
    rowsBytes: rowsText.length / tasks,
    objectBytes: objectText.length / tasks,
    rowsParseUs: parseUs(rowsText, tasks),
    objectParseUs: parseUs(objectText, tasks),
  };
}
