/**
 * Solve a glpk.js JSON model with any engine, answering in the glpk runtime's own outcome
 * shape: lets a job kind built on glpk.js JSON (the sweep) offer `"engine": "highs" | "auto"`
 * by changing one call.
 */
import { fromGlpkLp } from '../formats/glpk-json.ts';
import type { GlpkOutcome, LineSink, LP, Options } from './glpk-runtime.ts';
import { GLP } from './glpk-runtime.ts';
import type { Engine, MsgLevel } from './types.ts';

const LEVELS: MsgLevel[] = ['off', 'err', 'on', 'all'];

/** Solve `lp` with `engine`; `options` are glpk.js options (tmlim, mipgap, msglev). */
export function solveGlpkJson(engine: Engine, lp: LP, options: Options, sink: LineSink | null): GlpkOutcome {
  const model = fromGlpkLp(lp);
  const r = engine.solve(model, {
    ...(options.tmlim !== undefined ? { timeLimitSec: options.tmlim } : {}),
    ...(options.mipgap !== undefined ? { mipGap: options.mipgap } : {}),
    msgLevel: LEVELS[options.msglev ?? GLP.MSG_ERR] ?? 'err',
    ...(sink !== null ? { log: sink } : {}),
    duals: true,
  });
  const vars: Record<string, number> = {};
  if (r.values !== null) {
    model.variables.forEach((v, j) => {
      vars[v.name] = r.values?.[j] ?? 0;
    });
  }
  const out: GlpkOutcome = { status: r.status, glpkStatus: 0, objective: r.objective, vars, timeMs: r.timeMs };
  if (r.duals !== null) {
    const dual: Record<string, number> = {};
    model.rows.forEach((row, i) => {
      dual[row.name] = r.duals?.[i] ?? 0;
    });
    out.dual = dual;
  }
  if (r.status === 'error') out.error = { name: 'EngineError', message: r.message ?? `${r.engine} failed` };
  return out;
}
