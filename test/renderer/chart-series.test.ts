/**
 * The sweep chart's incremental series equal a from-scratch computation over all rows, after
 * every batch of appended results (random tables: duplicate and non-numeric x, missing
 * objectives, a second parameter with more combinations than MAX_SERIES).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChartSeriesBuilder, MAX_SERIES } from '../../renderer/src/state/chart-series.ts';
import { ResultTable } from '../../renderer/src/state/result-table.ts';
import type { TaskResult } from '../../solver/api.ts';

/** The whole-table computation the chart did before (the oracle). */
function fromScratch(table: ResultTable, xName: string) {
  const xs = table.params.get(xName) ?? [];
  const others = table.paramNames.filter((n) => n !== xName);
  const groups = new Map<string, Map<number, number>>();
  let hidden = 0;
  const xSet = new Set<number>();
  for (let row = 0; row < table.length; row++) {
    const xv = xs[row];
    const y = table.objective[row] ?? Number.NaN;
    const x = typeof xv === 'number' ? xv : Number(xv);
    if (!Number.isFinite(x)) continue;
    const key = others.map((n) => `${n}=${table.params.get(n)?.[row] ?? ''}`).join(', ');
    let g = groups.get(key);
    if (!g) {
      if (groups.size >= MAX_SERIES) {
        hidden++;
        continue;
      }
      g = new Map();
      groups.set(key, g);
    }
    if (Number.isFinite(y)) g.set(x, y);
    xSet.add(x);
  }
  const x = Array.from(Float64Array.from(xSet).sort());
  const ys = [...groups.values()].map((g) => x.map((v) => g.get(v) ?? null));
  return { x, ys, keys: [...groups.keys()], hidden };
}

let nextId = 0;
function result(params: Record<string, number | string>, objective: number | null): TaskResult {
  const id = `t${nextId++}`;
  return {
    id,
    index: nextId,
    label: id,
    solver: 0,
    status: objective === null ? 'infeasible' : 'optimal',
    objective,
    params,
    timeMs: 0.1,
  };
}

const xValue = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: -20, max: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('3', 'abc', '-0.5') },
);
const row = fc.record({
  P: xValue,
  Q: fc.integer({ min: 0, max: MAX_SERIES + 2 }),
  objective: fc.option(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)), {
    nil: null,
  }),
});

describe('ChartSeriesBuilder', () => {
  for (const [name, withQ] of [
    ['one swept parameter', false],
    ['two parameters (a series per Q, some hidden)', true],
  ] as const)
    it(`after every appended batch, equals the whole-table computation: ${name}`, () => {
      fc.assert(
        fc.property(fc.array(fc.array(row, { maxLength: 30 }), { minLength: 1, maxLength: 8 }), (batches) => {
          const table = new ResultTable();
          const builder = new ChartSeriesBuilder();
          for (const batch of batches) {
            table.append(batch.map((r) => result(withQ ? { P: r.P, Q: r.Q } : { P: r.P }, r.objective)));
            const got = builder.update(table, 'P');
            expect({ ...got, x: Array.from(got.x) }).toEqual(fromScratch(table, 'P'));
          }
        }),
        { numRuns: 300 },
      );
    });

  it('starts over for another table or another x parameter, and reuses its answer when nothing arrived', () => {
    const builder = new ChartSeriesBuilder();
    const a = new ResultTable();
    a.append([result({ P: 2, Q: 1 }, 10), result({ P: 1, Q: 1 }, 5)]);
    const first = builder.update(a, 'P');
    expect(Array.from(first.x)).toEqual([1, 2]);
    expect(first.ys).toEqual([[5, 10]]);
    expect(builder.update(a, 'P')).toBe(first);
    expect(Array.from(builder.update(a, 'Q').x)).toEqual([1]);
    const b = new ResultTable();
    b.append([result({ P: 7, Q: 1 }, 1)]);
    expect(Array.from(builder.update(b, 'P').x)).toEqual([7]);
  });
});
