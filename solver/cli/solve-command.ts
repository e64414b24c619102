/**
 * `solver-farm solve <model> [--engine glpk|highs|auto]`: read one CPLEX LP or MPS file
 * (gzip-compressed too) and solve it in this process; print status, objective, time and the
 * nonzero variables. Exit codes: 0 a definite answer (optimal, feasible, infeasible,
 * unbounded), 1 the time limit or an engine error, 2 a file that cannot be read.
 */
import { loadEngine } from '../engines/index.ts';
import type { EngineChoice, MsgLevel } from '../engines/types.ts';
import { FormatError } from '../formats/format-error.ts';
import { modelStats } from '../formats/model.ts';
import { readModelFile } from '../formats/read-model.ts';
import { EXIT, UserError } from './errors.ts';

/** Options of `solve` as parsed by commander. */
export interface SolveCommandOptions {
  engine?: EngineChoice;
  timeLimit?: number;
  mipGap?: number;
  /** Print the engine's own log (GLPK / HiGHS output) to stderr. */
  log?: boolean;
  /** Print every variable, zeros included. */
  all?: boolean;
  json?: boolean;
}

interface Out {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** Solve a model file; resolves with the process exit code. */
export async function solveCommand(file: string, options: SolveCommandOptions, io: Out = process): Promise<number> {
  let model: ReturnType<typeof readModelFile>;
  const t0 = performance.now();
  try {
    model = readModelFile(file, { label: file });
  } catch (err) {
    if (err instanceof FormatError) throw new UserError(err.message);
    throw err;
  }
  const readMs = performance.now() - t0;
  for (const w of model.warnings) io.stderr.write(`warning: ${w}\n`);
  const engine = await loadEngine(options.engine ?? 'auto');
  const msgLevel: MsgLevel = options.log === true ? 'on' : 'off';
  const r = engine.solve(model, {
    ...(options.timeLimit !== undefined ? { timeLimitSec: options.timeLimit } : {}),
    ...(options.mipGap !== undefined ? { mipGap: options.mipGap } : {}),
    msgLevel,
    log: (line) => io.stderr.write(`${line}\n`),
  });
  const values: Record<string, number> = {};
  if (r.values !== null) {
    model.variables.forEach((v, j) => {
      const x = r.values?.[j] ?? 0;
      if (options.all === true || x !== 0) values[v.name] = x;
    });
  }
  const s = modelStats(model);
  if (options.json === true) {
    const doc: Record<string, unknown> = {
      file,
      status: r.status,
      objective: r.objective,
      engine: r.engine,
      timeMs: r.timeMs,
      readMs,
      values,
    };
    if (r.gap !== undefined) doc.gap = r.gap;
    if (r.message !== undefined) doc.message = r.message;
    io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    const lines = [
      `model      ${file}: ${s.rows} rows, ${s.variables} columns (${s.integers} integer), ${s.nonzeros} nonzeros`,
      `status     ${r.status}${r.message !== undefined ? ` (${r.message})` : ''}`,
      `objective  ${r.objective === null ? '-' : String(r.objective)}`,
    ];
    if (r.gap !== undefined) lines.push(`gap        ${r.gap}`);
    lines.push(`engine     ${r.engine}`, `time       ${r.timeMs.toFixed(1)} ms (read ${readMs.toFixed(1)} ms)`);
    const names = Object.keys(values);
    if (r.values !== null) {
      lines.push(`${options.all === true ? 'variables' : 'nonzero variables'} (${names.length}):`);
      const width = Math.min(40, Math.max(0, ...names.map((n) => n.length)));
      for (const n of names) lines.push(`  ${n.padEnd(width)}  ${values[n]}`);
    }
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  if (r.status === 'error' || r.status === 'time-limit') return EXIT.failed;
  return EXIT.ok;
}
