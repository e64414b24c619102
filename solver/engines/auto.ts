/**
 * The `auto` engine: glpk.js for small models, HiGHS for large LPs and for MIPs with many
 * integer columns.
 *
 * Measured on this project's 2-core machine (node 24, glpk.js 5 / GLPK 5.0, highs-js 1.15.1;
 * `npm run bench:models -- --crossover`), solve time per call including model conversion:
 *   LP transport n×n    glpk      highs     glpk/highs
 *     3×3    (9 vars)  0.70 ms   2.71 ms   0.26
 *     10×10  (100)     2.16 ms   5.46 ms   0.40
 *     20×20  (400)     5.98 ms   2.20 ms   2.7
 *     40×40  (1600)    13.1 ms   6.39 ms   2.0
 *     100×100 (10k)    80.7 ms   17.5 ms   4.6
 *     200×200 (40k)    927 ms    145 ms    6.4
 *   Netlib (reference set): glpk ahead up to ~300 columns (adlittle 97 cols: 9.6 vs 49 ms),
 *   even around 300–1200 columns (e226 55 vs 44 ms, scrs8 37 vs 29 ms).
 *   MIPLIB: glpk ahead on small MIPs (p01, 210 binaries: 1.6 vs 13 ms; egout 55 integers:
 *   35 vs 130 ms), HiGHS far ahead from ~90 integers on hard ones (lseu 89: 831 vs 487 ms;
 *   rgn 100: 430 vs 225 ms; p0548 548: > 120 s time limit vs 0.12 s).
 * So the LP crossover lies between 100 and 400 columns; HiGHS's fixed cost (~2 ms per call
 * here, with model creation) dominates below. A MIP's difficulty is not its size, and a
 * wrong glpk choice costs orders of magnitude more than a wrong highs choice, hence the
 * lower MIP threshold.
 */
import type { LinearModel } from '../formats/model.ts';
import { modelStats } from '../formats/model.ts';
import type { Engine, EngineName, EngineResult, SolveOptions } from './types.ts';

/** LPs with at least this many columns go to HiGHS. */
export const AUTO_LP_COLUMNS = 300;
/** MIPs with at least this many integer columns (or AUTO_LP_COLUMNS columns) go to HiGHS. */
export const AUTO_MIP_INTEGERS = 80;

/** The engine `auto` picks for a model. */
export function autoChoice(model: LinearModel): EngineName {
  const s = modelStats(model);
  if (s.variables >= AUTO_LP_COLUMNS) return 'highs';
  if (s.integers >= AUTO_MIP_INTEGERS) return 'highs';
  return 'glpk';
}

/** The auto engine over both loaded engines. */
export function autoEngine(glpk: Engine, highs: Engine): Engine {
  return {
    name: 'auto',
    version: `auto (${glpk.version}; ${highs.version})`,
    solve(model: LinearModel, options: SolveOptions = {}): EngineResult {
      const choice = autoChoice(model);
      options.log?.(`auto: ${choice} for ${model.name || 'the model'} (${model.variables.length} columns)`);
      if (choice === 'highs') return highs.solve(model, options);
      const r = glpk.solve(model, options);
      if (r.status !== 'error') return r;
      // glpk failed (GLPK aborts on a few inputs): HiGHS gets the model before we give up.
      options.log?.(`auto: glpk failed (${r.message ?? 'no message'}); solving with highs`);
      return highs.solve(model, options);
    },
  };
}
