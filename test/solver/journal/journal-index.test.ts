import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  indexJournal,
  pageOfIndex,
  readIndexedResults,
  resultsInPlanOrder,
} from '../../../solver/journal/journal-index.ts';
import { lines, result, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

describe('journal index', () => {
  it('gives the latest result of each task in plan order, then the out-of-plan ones', async () => {
    const file = path.join(tmp.dir, 'results.jsonl');
    const text =
      lines([result(3), result(0, 'error'), result(1), { ...result(9), label: 'é'.repeat(3000) }, result(0)]) +
      'not json\n' +
      lines([result(2)]) +
      '{"id":"t4","ind';
    writeFileSync(file, text);
    const keys = new Set<string>();
    const index = await indexJournal(file, 5, { onResult: (r) => keys.add(r.id) });
    expect(index.scan.torn?.line).toBe(8);
    expect(index.scan.invalidCount).toBe(1);
    expect([...keys].sort()).toEqual(['t0', 't1', 't2', 't3', 't9']);
    const out = [...resultsInPlanOrder(index)];
    expect(out.map((r) => [r.index, r.status])).toEqual([
      [0, 'optimal'],
      [1, 'optimal'],
      [2, 'optimal'],
      [3, 'optimal'],
      [9, 'optimal'],
    ]);
    expect(out.at(-1)?.label).toBe('é'.repeat(3000));
    expect(index.results).toBe(5);
    // A page from the third result on; one stopped by its size after the first result.
    expect(readIndexedResults(index, pageOfIndex(index, 2, 10, Infinity)).map((r) => r.index)).toEqual([2, 3, 9]);
    expect(pageOfIndex(index, 3, 10, 100)).toHaveLength(1);
  });

  it('finds a page far into a big plan by its blocks, without a byte per empty task', async () => {
    const file = path.join(tmp.dir, 'results.jsonl');
    const count = 50_000_000;
    writeFileSync(file, lines([result(7), result(count - 1), result(25_000_000)]));
    const index = await indexJournal(file, count);
    expect(index.results).toBe(3);
    const t0 = performance.now();
    expect(readIndexedResults(index, pageOfIndex(index, 1, 5, Infinity)).map((r) => r.index)).toEqual([
      25_000_000,
      count - 1,
    ]);
    expect(performance.now() - t0).toBeLessThan(100);
  });

  it('indexes a missing journal as empty', async () => {
    const index = await indexJournal(path.join(tmp.dir, 'none.jsonl'), 3);
    expect(index.scan.exists).toBe(false);
    expect([...index.offsets]).toEqual([0, 0, 0]);
    expect([...resultsInPlanOrder(index)]).toEqual([]);
  });
});
