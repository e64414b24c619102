/**
 * Property tests: grid decoding against nested loops, and the TSP search against brute force
 * on small random instances (EXPLICIT weights through the tsp kind's own parse and step).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { SweepSpec } from '../../../solver/problems/sweep.ts';
import { planSweep, sweep } from '../../../solver/problems/sweep.ts';
import type { TspState, TspStepOut } from '../../../solver/problems/tsp.ts';
import { tsp } from '../../../solver/problems/tsp.ts';
import type { SolverContext } from '../../../solver/problems/types.ts';

const model = {
  objective: { direction: 'max', vars: [{ name: 'a', coef: 1 }] },
  subjectTo: [
    { name: 'r1', vars: [{ name: 'a', coef: 1 }], bnds: { type: 'up', ub: 1 } },
    { name: 'r2', vars: [{ name: 'b', coef: 1 }], bnds: { type: 'up', ub: 1 } },
  ],
};
const targets = [
  { objective: 'a' },
  { objective: 'b' },
  { constraint: 'r1', bound: 'ub' },
  { constraint: 'r2', bound: 'lb' },
  { variable: 'a', bound: 'ub' },
];

describe('grid decoding', () => {
  it('task(i) enumerates the cartesian product in nested-loop order (first axis outermost)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (lists) => {
          const grid = lists.map((values, k) => ({ name: `x${k}`, ...targets[k], values }));
          const spec = sweep.parse({ kind: 'sweep', model, grid }, { source: 'p.json', baseDir: '.' }) as SweepSpec;
          const plan = planSweep(spec);
          const expected: number[][] = [];
          const walk = (k: number, prefix: number[]) => {
            if (k === lists.length) {
              expected.push(prefix);
              return;
            }
            for (const v of lists[k] as number[]) walk(k + 1, [...prefix, v]);
          };
          walk(0, []);
          expect(plan.count).toBe(expected.length);
          expect(Array.from({ length: plan.count }, (_, i) => plan.task(i))).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('ranges hold exactly count values, from `from`, never past `to`', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1000, max: 1000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.constantFrom(0.1, 0.25, 0.3, 0.5, 1, 2.5, 7),
        (fromK, spanK, step) => {
          const from = fromK / 10;
          const to = from + spanK * step * 0.37;
          const spec = sweep.parse(
            { kind: 'sweep', model, grid: [{ objective: 'a', from, to, step }] },
            { source: 'p.json', baseDir: '.' },
          ) as SweepSpec;
          const plan = planSweep(spec);
          const values = Array.from({ length: plan.count }, (_, i) => plan.task(i)[0] as number);
          expect(values[0]).toBeCloseTo(from, 9);
          for (let i = 1; i < values.length; i++)
            expect((values[i] as number) - (values[i - 1] as number)).toBeCloseTo(step, 9);
          expect(values.at(-1) as number).toBeLessThanOrEqual(to + 1e-9);
          expect((values.at(-1) as number) + step).toBeGreaterThan(to + 1e-9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('tsp search on small EXPLICIT instances', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsp-prop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ctx: SolverContext = { solver: 0, seed: 7, log: () => {} };

  function bruteForce(w: number[][]): number {
    const n = w.length;
    const rest = Array.from({ length: n - 1 }, (_, i) => i + 1);
    let best = Number.POSITIVE_INFINITY;
    const perm = (arr: number[], k: number) => {
      if (k === arr.length) {
        let len = (w[0] as number[])[arr[0] as number] as number;
        for (let i = 0; i + 1 < arr.length; i++)
          len += (w[arr[i] as number] as number[])[arr[i + 1] as number] as number;
        len += (w[arr.at(-1) as number] as number[])[0] as number;
        best = Math.min(best, len);
        return;
      }
      for (let i = k; i < arr.length; i++) {
        [arr[k], arr[i]] = [arr[i] as number, arr[k] as number];
        perm(arr, k + 1);
        [arr[k], arr[i]] = [arr[i] as number, arr[k] as number];
      }
    };
    perm(rest, 0);
    return best;
  }

  it('two steps reach the brute-force optimum (5 to 8 cities, UPPER_ROW weights)', async () => {
    let case_ = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 5, max: 8 }), fc.integer({ min: 1, max: 2 ** 31 - 1 }), async (n, seed) => {
        let s = seed;
        const rnd = () => {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          return s / 2 ** 32;
        };
        const w = Array.from({ length: n }, () => new Array<number>(n).fill(0));
        const rows: string[] = [];
        for (let i = 0; i < n; i++) {
          const row: number[] = [];
          for (let j = i + 1; j < n; j++) {
            const v = 1 + Math.floor(rnd() * 100);
            (w[i] as number[])[j] = v;
            (w[j] as number[])[i] = v;
            row.push(v);
          }
          if (row.length > 0) rows.push(row.join(' '));
        }
        const file = `case${case_++}.tsp`;
        writeFileSync(
          join(dir, file),
          `NAME: r\nTYPE: TSP\nDIMENSION: ${n}\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n${rows.join('\n')}\nEOF\n`,
        );
        const spec = await tsp.parse(
          { kind: 'tsp', instance: file, stepMs: 20, starts: 2 },
          { source: 'j.json', baseDir: dir },
        );
        expect(tsp.view?.(spec)).toEqual({ kind: 'none' });
        const state = (await tsp.setup(spec, ctx)) as TspState;
        const step = tsp.step as NonNullable<typeof tsp.step>;
        const first = step(state, 1, { tour: null, length: null }, ctx) as TspStepOut;
        const second = step(state, 2, { tour: first.tour, length: first.length }, ctx) as TspStepOut;
        expect(second.length).toBe(bruteForce(w));
      }),
      { numRuns: 25 },
    );
  });
});
