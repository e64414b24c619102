/**
 * A GLPK-level error (here: a repeated term, which glp_load_matrix refuses) aborts the
 * WebAssembly instance. The runtime says so with GLPK's own words, and refuses later solves
 * instead of returning numbers from a broken engine. Its own file: the abort poisons this
 * process's one instance. (The sweep parser refuses repeated terms before they get here.)
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { GLP, glpkOptions, loadGlpk } from '../../../solver/engines/glpk-runtime.ts';
import type { SweepState } from '../../../solver/problems/sweep.ts';
import { sweep } from '../../../solver/problems/sweep.ts';

/** A row `r: column + secondCoef·column ≤ ub` that names its column twice: glp_load_matrix aborts on it. */
function repeatedTermRow(column: string, { secondCoef, ub }: { secondCoef: number; ub: number }) {
  return {
    name: 'r',
    vars: [
      { name: column, coef: 1 },
      { name: column, coef: secondCoef },
    ],
    bnds: { type: GLP.UP, lb: 0, ub },
  };
}

/** `max x` subject to one row repeating x: the smallest model that aborts GLPK. */
function repeatedTermModel(row: { secondCoef: number; ub: number }) {
  return {
    name: 'bad',
    objective: { direction: GLP.MAX, name: 'z', vars: [{ name: 'x', coef: 1 }] },
    subjectTo: [repeatedTermRow('x', row)],
  };
}

describe('GLPK abort', () => {
  it('throws with GLPK’s message, then refuses every later solve', async () => {
    const glpk = await loadGlpk();
    const bad = repeatedTermModel({ secondCoef: 2, ub: 3 });
    const lines: string[] = [];
    const errorSpy = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      expect(() => glpk.solve(bad, glpkOptions({ msglev: 'err' }, false), (l) => lines.push(l))).toThrow(
        /^GLPK aborted: .*duplicate indices not allowed/,
      );
      expect(lines.join('\n')).toContain('duplicate indices not allowed');
      const good = {
        ...bad,
        subjectTo: [{ ...(bad.subjectTo[0] as (typeof bad.subjectTo)[0]), vars: [{ name: 'x', coef: 1 }] }],
      };
      expect(() => glpk.solve(good, glpkOptions({ msglev: 'off' }, false))).toThrow(
        /GLPK aborted in an earlier solve .*loadGlpk\(\) gives a fresh one/,
      );
    } finally {
      errorSpy.mockRestore();
    }
  });
});

describe('sweep after a GLPK abort', () => {
  it('fails the task that hit the dead instance, then solves on a fresh one', async () => {
    // The test above left this process's shared instance aborted.
    const poisoned = await loadGlpk();
    if (!poisoned.aborted) {
      const dup = repeatedTermModel({ secondCoef: 1, ub: 1 });
      expect(() => poisoned.solve(dup, glpkOptions({ msglev: 'off' }, false), () => {})).toThrow();
    }
    const doc = JSON.parse(readFileSync(new URL('../../../examples/wyndor-sweep.json', import.meta.url), 'utf8'));
    const spec = await sweep.parse({ ...doc, msglev: 'off' }, { source: 'wyndor-sweep.json', baseDir: '.' });
    const ctx = { solver: 0, seed: 1, log: () => {} };
    const state = (await sweep.setup(spec, ctx)) as SweepState;
    // setup asked loadGlpk() after the abort, so it already has a fresh instance.
    expect(state.runtime.aborted).toBe(false);
    const solve = sweep.solve as NonNullable<typeof sweep.solve>;
    expect(solve(state, [500], ctx).objective).toBeCloseTo(600 + 6 * 500, 6);

    // Now kill the sweep's own instance mid-run.
    const bad = { ...state.lp, subjectTo: [repeatedTermRow('doors', { secondCoef: 1, ub: 1 })] };
    expect(() => state.runtime.solve(bad, glpkOptions({ msglev: 'off' }, false), () => {})).toThrow(/GLPK aborted/);
    expect(() => solve(state, [500], ctx)).toThrow(/aborted in an earlier solve/);
    expect(state.replacing).not.toBeNull();
    await state.replacing;
    expect(state.runtime.aborted).toBe(false);
    const r = solve(state, [100], ctx);
    expect(r.status).toBe('optimal');
    expect(r.objective).toBeCloseTo(1200 + 3 * 100, 6);
  });
});
