/**
 * The `glpk` engine: the neutral model through glpk.js (GLPK 5 in WebAssembly), using the
 * process's one GLPK instance from glpk-runtime.ts (which routes GLPK's output per solve).
 *
 * Status rules (GLPK's own codes are ambiguous in two places):
 * - glpk.js drops glp_intopt's return code, so a time limit is recognized by the elapsed
 *   time reaching `tmlim` (glpk-runtime's rule); then the status is `time-limit`, with the
 *   incumbent when GLPK has one (GLP_FEAS), never `optimal`.
 * - A MIP whose LP relaxation is unbounded ends with GLP_UNDEF (the MIP presolver gives up).
 *   We then solve the same model with a zero objective: infeasible means infeasible,
 *   feasible means unbounded. LPs run without presolve, so GLPK classifies them itself.
 */

import { toGlpkLp } from '../formats/glpk-json.ts';
import type { LinearModel } from '../formats/model.ts';
import { isMip } from '../formats/model.ts';
import { violation } from './check-solution.ts';
import { create as createGlpkRuntime, GLP, type GlpkRuntime, glpkOptions, loadGlpk } from './glpk-runtime.ts';
import type { Engine, EngineResult, SolveOptions } from './types.ts';
import { errorText, feasibilityModel, noSolution, trivialResult } from './types.ts';

/**
 * Build the glpk engine over a loaded runtime. GLPK aborts on some inputs (e.g. an assertion
 * in its MIP presolver, npp3.c "q->lb < q->ub", found by the cross-engine property test),
 * and an aborted WebAssembly instance is unusable. So the engine keeps a spare instance,
 * loaded in the background: after an abort the failed solve reports `error` with GLPK's
 * message, the spare takes over, and a new spare loads.
 */
export function glpkEngine(
  first: GlpkRuntime,
  initialSpare: GlpkRuntime | null = null,
  spares: () => Promise<GlpkRuntime> = createGlpkRuntime,
): Engine {
  let runtime = first;
  let spare: GlpkRuntime | null = initialSpare;
  const loadSpare = (): void => {
    spares().then(
      (r) => {
        spare = r;
      },
      () => {
        spare = null;
      },
    );
  };
  if (spare === null) loadSpare();
  let dead = false;
  const swap = (): void => {
    if (spare === null) {
      dead = true;
      return;
    }
    runtime = spare;
    spare = null;
    dead = false;
    loadSpare();
  };
  const solveOnce: GlpkRuntime['solve'] = (lp, opts, sink) => {
    // The last instance died while no spare was ready: take the spare if it has loaded since.
    if (dead) swap();
    try {
      return runtime.solve(lp, opts, sink);
    } catch (err) {
      swap();
      throw err;
    }
  };
  const engine: Engine = {
    name: 'glpk',
    version: `GLPK ${runtime.version} (glpk.js)`,
    solve(model: LinearModel, options: SolveOptions = {}): EngineResult {
      const trivial = trivialResult(model, 'glpk');
      if (trivial !== undefined) return trivial;
      const mip = isMip(model);
      const lp = toGlpkLp(model, { internalNames: true });
      const opts = glpkOptions(
        {
          msglev: options.msgLevel ?? 'err',
          presol: false,
          ...(options.timeLimitSec !== undefined ? { tmlim: options.timeLimitSec } : {}),
          mipgap: options.mipGap ?? 0,
        },
        mip,
      );
      const sink = options.log ?? null;
      const t0 = performance.now();
      let out: ReturnType<GlpkRuntime['solve']>;
      try {
        out = solveOnce(lp, opts, sink);
      } catch (err) {
        return noSolution('error', 'glpk', t0, errorText(err));
      }
      let status = out.status;
      let message: string | undefined;
      if (mip && out.glpkStatus === GLP.UNDEF && status === 'error') {
        // Ambiguous end of the MIP presolver: decide with a zero objective.
        let probe: Pick<ReturnType<GlpkRuntime['solve']>, 'status'> & { vars?: Record<string, number> };
        try {
          const left =
            options.timeLimitSec === undefined ? undefined : options.timeLimitSec - (performance.now() - t0) / 1000;
          const probeOpts = left === undefined ? opts : { ...opts, tmlim: Math.max(0.1, left) };
          probe =
            left !== undefined && left <= 0.05
              ? { status: 'time-limit' }
              : solveOnce(toGlpkLp(feasibilityModel(model), { internalNames: true }), probeOpts, null);
        } catch (err) {
          return noSolution('error', 'glpk', t0, errorText(err));
        }
        if (probe.status === 'infeasible') {
          status = 'infeasible';
          message = 'GLPK returned no MIP solution; the model with a zero objective is infeasible';
        } else if (probe.status === 'optimal' || probe.status === 'feasible') {
          // The probe is a GLPK MIP answer too, with the same preprocessor: its point must satisfy
          // the model before "feasible" means anything (1 ≤ 3·v1 ≤ 2, v1 binary came back feasible).
          const point = model.variables.map((_, j) => probe.vars?.[`x${j}`] ?? 0);
          const broken = violation(model, point);
          if (broken === null) {
            status = 'unbounded';
            message = 'GLPK returned no MIP solution; the model is feasible with a zero objective, so it is unbounded';
          } else {
            status = 'error';
            message = `GLPK returned no MIP solution, and its feasibility probe's answer breaks the model: ${broken}. This is a GLPK 5.0 preprocessor defect; solve this model with the highs engine`;
          }
        } else if (probe.status === 'time-limit' || probe.status === 'error') {
          // Branch and bound over unbounded integer columns may not end: undecided in time.
          status = 'time-limit';
          message = 'GLPK returned no MIP solution and could not tell infeasible from unbounded within the time limit';
        } else {
          message = out.error?.message ?? 'GLPK returned no solution';
        }
      } else if (status === 'error') {
        message = out.error?.message ?? 'GLPK returned no solution';
      }
      let hasValue =
        status === 'optimal' || status === 'feasible' || (status === 'time-limit' && out.objective !== null);
      let values = hasValue ? model.variables.map((_, j) => out.vars[`x${j}`] ?? 0) : null;
      const broken = mip && values !== null ? violation(model, values) : null;
      if (broken !== null) {
        // A GLPK defect (see check-solution.ts): never pass a point that breaks the model on as an answer.
        status = 'error';
        message = `GLPK's MIP answer (${out.status}) breaks the model: ${broken}. This is a GLPK 5.0 preprocessor defect; solve this model with the highs engine`;
        hasValue = false;
        values = null;
      }
      const duals =
        options.duals === true && !mip && out.dual !== undefined && hasValue
          ? model.rows.map((_, i) => out.dual?.[`r${i}`] ?? 0)
          : null;
      const result: EngineResult = {
        status,
        objective: hasValue && out.objective !== null ? out.objective + model.objectiveConstant : null,
        values,
        duals,
        timeMs: performance.now() - t0,
        engine: 'glpk',
      };
      if (message !== undefined) result.message = message;
      if (status === 'optimal' && mip) result.gap = 0;
      return result;
    },
  };
  return engine;
}

let loaded: Promise<Engine> | null = null;

/** The process's glpk engine (loads GLPK once). */
export function loadGlpkEngine(): Promise<Engine> {
  if (loaded === null) {
    loaded = Promise.all([loadGlpk(), createGlpkRuntime()]).then(
      ([first, spare]) => glpkEngine(first, spare),
      (err: unknown) => {
        loaded = null;
        throw err;
      },
    );
  }
  return loaded;
}
