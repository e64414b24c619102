/**
 * Results travel from the solver processes in columns (protocol.ts `rows`); every shape a
 * kind can return must come out as the same TaskResult. Real processes, a fixture kind
 * whose results are a known function of the task.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskResult } from '../../../solver/api.ts';
import { taskIdHasher } from '../../../solver/farm/task-id.ts';
import { RowsWriter } from '../../../solver/solver-process/rows.ts';
import { expected } from '../../fixtures/kinds/mixed.ts';
import { customJob, FarmHarness, KINDS_DIR } from './helpers.ts';

let h: FarmHarness | undefined;

afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('results in columns', () => {
  it('every result shape arrives as the TaskResult the kind produced', async () => {
    h = new FarmHarness({ cores: 2 });
    const total = 300;
    await h.farm.start(customJob('mixed.ts', { tasks: total }));
    expect(await h.farm.finished()).toBe('done');
    const results = h.results().sort((a, b) => a.index - b.index);
    expect(results.map((r) => r.index)).toEqual(Array.from({ length: total }, (_, i) => i));
    const id = taskIdHasher('custom', { module: `${KINDS_DIR}mixed.ts`, spec: { tasks: total } });
    for (const r of results) {
      const i = r.index;
      const want: TaskResult = { id: id(i), index: i, label: `m${i}`, solver: r.solver, params: { i }, ...expected(i) };
      if (i % 11 === 10) {
        expect(r).toMatchObject({
          status: 'error',
          objective: null,
          error: { name: 'RangeError', message: `thrown by task ${i}` },
        });
        expect(r.values).toBeUndefined();
        continue;
      }
      expect(r).toEqual(want);
    }
  });

  it('a message carries names, the engine and value names once; rare fields sparse', () => {
    const w = new RowsWriter();
    for (let i = 0; i < 8; i++) w.add(expected(i), expected(i).timeMs);
    const m = w.take(3, true, 5);
    // Rows are the batch's tasks from position `at`; solve times in whole µs.
    expect(m).toMatchObject({ t: 'rows', batch: 3, done: true, at: 5, e: 'glpk' });
    expect(m.us).toEqual(Array.from({ length: 8 }, (_, i) => Math.round(expected(i).timeMs * 1000)));
    expect(m.vn).toEqual(['a', 'b', 'c']); // the first row with values names them
    expect(m.vr).toEqual([1]); // only row 1 has exactly those names
    expect(m.v).toEqual([1, -1, 0.1]);
    expect(m.x?.map((x) => x.r)).toEqual([2, 3, 4, 5, 6]);
    expect(w.length).toBe(0);
  });
});
