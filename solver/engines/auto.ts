/**
 * The `auto` engine: glpk.js for small models, HiGHS for large LPs and for MIPs with many
 * integer columns.
 *
 * Measured on this project's 2-core machine (node 24, glpk.js 5 / GLPK 5.0, highs-js 1.15.1;
 * `npm run bench:models -- --crossover`, load average ~2), mean time per solve including the
 * conversion from the neutral model:
 *   LP transport n×n    glpk      highs     glpk/highs
 *     3×3    (9 cols)  0.6 ms    0.8 ms    0.77
 *     10×10  (100)     0.5 ms    0.9 ms    0.57
 *     15×15  (225)     2.7 ms    3.3 ms    0.84
 *     17×17  (289)     4.1 ms    1.9 ms    2.2
 *     20×20  (400)     1.9 ms    1.7 ms    1.1
 *     40×40  (1600)    10.0 ms   4.0 ms    2.5
 *     100×100 (10k)    109 ms    25.8 ms   4.2
 *     200×200 (40k)    572 ms    96.9 ms   5.9
 *   Netlib (reference set, in-process, best of 3): glpk ahead below ~300 columns (afiro 32
 *   cols: 0.2 vs 1.1 ms; adlittle 97: 1.9 vs 2.5 ms), mixed from 300 to 1200 (etamacro 688:
 *   12.7 vs 38.7 ms; scrs8 1169: 119 vs 41 ms; standata 1075: 30 vs 12 ms).
 *   MIPLIB: glpk ahead on small MIPs (p01, 210 binaries: 3.2 vs 31 ms; egout 55 integers:
 *   27 vs 70 ms; flugpl 11: 6 vs 553 ms), HiGHS far ahead on the hard ones (p0548, 548
 *   integers: glpk > 20 s time limit vs 0.12–1.1 s; rgn 100: 1.6 vs 1.3 s).
 * So the LP crossover lies between ~225 and ~300 columns; below it HiGHS's fixed cost
 * (~0.5–1 ms per call here, model creation included) dominates. A MIP's difficulty is not its size, and a
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
