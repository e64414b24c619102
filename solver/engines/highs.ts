/**
 * The `highs` engine: the neutral model through HiGHS compiled to WebAssembly (the `highs`
 * package), passed as structured sparse arrays (CSR) through its persistent-model API rather
 * than as LP text: no name escaping, no re-parsing, and HiGHS's LP reader aborts the whole
 * WebAssembly runtime on some inputs it rejects (a C++ exception becomes `abort()`).
 *
 * HiGHS prints through the loader's `print` hook, bound once per process; it is switched
 * to the current solve's log for the duration of the (synchronous) solve.
 *
 * Status mapping (HiGHS model status → TaskStatus):
 *   optimal → optimal (a MIP stopped at a gap above 1e-6 relative, possible only with
 *   mipGap > 0, → feasible); infeasible → infeasible; unbounded → unbounded;
 *   unboundedOrInfeasible → re-solved with a zero objective (infeasible, or else unbounded);
 *   timeLimit, iterationLimit, interrupted, solutionLimit, objectiveBound/Target →
 *   time-limit (with the incumbent when a feasible primal solution exists); anything else → error.
 */
import type { Highs, InitOptions, Model, ModelData } from 'highs';
import highsModule from 'highs';
import type { LinearModel } from '../formats/model.ts';
import { isMip } from '../formats/model.ts';
import type { Engine, EngineResult, SolveOptions } from './types.ts';
import { errorText, feasibilityModel, noSolution, trivialResult } from './types.ts';

type HighsLoader = (options?: InitOptions) => Promise<Highs>;
// Node loads the package's ESM build, whose default export is the loader; its type file is
// CommonJS-shaped, so TypeScript sees the loader one `.default` deeper. Accept both shapes.
const highsExport = highsModule as unknown as HighsLoader | { default: HighsLoader };
const loadHighs: HighsLoader = typeof highsExport === 'function' ? highsExport : highsExport.default;

let sink: ((line: string) => void) | null = null;
let broken: string | null = null;

function print(text: string): void {
  if (sink === null) return;
  for (const line of text.split('\n')) if (line !== '') sink(line);
}

/** Neutral model → HiGHS model data (row-wise sparse matrix). */
export function toHighsData(highs: Highs, model: LinearModel): ModelData {
  const n = model.variables.length;
  const m = model.rows.length;
  let nnz = 0;
  for (const r of model.rows) nnz += r.cols.length;
  const starts = new Int32Array(m + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let k = 0;
  model.rows.forEach((r, i) => {
    starts[i] = k;
    for (let t = 0; t < r.cols.length; t++) {
      indices[k] = r.cols[t] ?? 0;
      values[k] = r.coefs[t] ?? 0;
      k++;
    }
  });
  starts[m] = k;
  const mip = isMip(model);
  const data: ModelData = {
    numCols: n,
    numRows: m,
    sense: model.sense === 'max' ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    offset: model.objectiveConstant,
    colCost: Float64Array.from(model.objective),
    colLower: Float64Array.from(model.variables, (v) => v.lb),
    colUpper: Float64Array.from(model.variables, (v) => v.ub),
    rowLower: Float64Array.from(model.rows, (r) => r.lb),
    rowUpper: Float64Array.from(model.rows, (r) => r.ub),
    matrix: { format: 'csr', numRows: m, numCols: n, starts, indices, values },
    ...(mip ? { integrality: Int32Array.from(model.variables, (v) => (v.integer ? 1 : 0)) } : {}),
  };
  return data;
}

/** Build the highs engine over a loaded runtime. */
export function highsEngine(highs: Highs): Engine {
  const S = highs.constants.modelStatus;

  function run(model: LinearModel, options: SolveOptions, presolve: boolean): { hm: Model; status: number } {
    // Creating a HiGHS instance prints its banner before any option can silence it: keep the
    // sink off until the options are set.
    sink = null;
    const hm = highs.createModel(toHighsData(highs, model));
    try {
      const level = options.msgLevel ?? 'err';
      hm.options.set({
        output_flag: level === 'on' || level === 'all',
        log_to_console: true,
        mip_rel_gap: options.mipGap ?? 0,
        presolve: presolve ? 'choose' : 'off',
        ...(options.timeLimitSec !== undefined ? { time_limit: options.timeLimitSec } : {}),
      });
      if (level === 'on' || level === 'all') sink = options.log ?? null;
      hm.run();
      sink = null;
      return { hm, status: hm.getModelStatus() };
    } catch (err) {
      hm.dispose();
      throw err;
    }
  }

  return {
    name: 'highs',
    version: `HiGHS ${highs.version.string} (highs-js)`,
    solve(model: LinearModel, options: SolveOptions = {}): EngineResult {
      const t0 = performance.now();
      const fail = (message: string): EngineResult => noSolution('error', 'highs', t0, message);
      if (broken !== null)
        return fail(`HiGHS aborted in an earlier solve in this process (${broken}); restart the solver`);
      const trivial = trivialResult(model, 'highs');
      if (trivial !== undefined) return trivial;
      const mip = isMip(model);
      let hm: Model | undefined;
      try {
        let r = run(model, options, true);
        hm = r.hm;
        let message: string | undefined;
        if (r.status === S.unboundedOrInfeasible) {
          hm.dispose();
          hm = undefined;
          const probe = run(feasibilityModel(model), options, false);
          const probeStatus = probe.status;
          probe.hm.dispose();
          if (probeStatus === S.infeasible) {
            return noSolution(
              'infeasible',
              'highs',
              t0,
              'HiGHS: infeasible or unbounded; the model with a zero objective is infeasible',
            );
          }
          if (probeStatus === S.optimal) {
            return noSolution(
              'unbounded',
              'highs',
              t0,
              'HiGHS: infeasible or unbounded; the model is feasible with a zero objective, so it is unbounded',
            );
          }
          r = run(model, options, false);
          hm = r.hm;
        }
        const status = r.status;
        const primalFeasible =
          Number(hm.info.get('primal_solution_status')) === highs.constants.solutionStatus.feasible;
        const gap = mip ? Number(hm.info.get('mip_gap')) : undefined;
        let out: EngineResult['status'];
        switch (status) {
          case S.optimal:
            out = mip && (options.mipGap ?? 0) > 0 && gap !== undefined && gap > 1e-6 ? 'feasible' : 'optimal';
            break;
          case S.infeasible:
            out = 'infeasible';
            break;
          case S.unbounded:
            out = 'unbounded';
            break;
          case S.timeLimit:
          case S.iterationLimit:
          case S.interrupted:
          case S.solutionLimit:
          case S.objectiveBound:
          case S.objectiveTarget:
            out = 'time-limit';
            break;
          default:
            return fail(`HiGHS ended with model status ${status} (${statusName(highs, status)})`);
        }
        const hasValue = (out === 'optimal' || out === 'feasible' || out === 'time-limit') && primalFeasible;
        const solution = hasValue ? hm.getSolution() : null;
        const result: EngineResult = {
          status: out,
          objective: hasValue ? hm.getObjectiveValue() : null,
          values: solution?.colValue ?? null,
          duals: options.duals === true && !mip && solution !== null ? solution.rowDual : null,
          timeMs: performance.now() - t0,
          engine: 'highs',
        };
        if (gap !== undefined && Number.isFinite(gap) && hasValue) result.gap = gap;
        if (message !== undefined) result.message = message;
        return result;
      } catch (err) {
        const text = errorText(err);
        // A WebAssembly abort (RuntimeError) leaves the runtime unusable for the rest of the process.
        if (err instanceof Error && err.name === 'RuntimeError') broken = text;
        return fail(`HiGHS failed: ${text}`);
      } finally {
        hm?.dispose();
        sink = null;
      }
    },
  };
}

function statusName(highs: Highs, code: number): string {
  for (const [k, v] of Object.entries(highs.constants.modelStatus)) if (v === code) return k;
  return 'unknown';
}

let loaded: Promise<Engine> | null = null;

/** The process's highs engine (instantiates the WebAssembly module once). */
export function loadHighsEngine(): Promise<Engine> {
  if (loaded === null) {
    loaded = loadHighs({ print, printErr: print }).then(highsEngine, (err: unknown) => {
      loaded = null;
      throw err;
    });
  }
  return loaded;
}
