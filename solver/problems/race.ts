/**
 * The `race` job kind: one hard model, several engines or settings, one per core; the first
 * entrant to finish with an answer wins and the farm kills the others at once.
 *
 * ```json
 * { "kind": "race", "model": "p0548.mps", "timeLimitSec": 600,
 *   "entrants": [ { "engine": "highs" },
 *                 { "engine": "glpk", "options": { "mipGap": 0.001, "timeLimitSec": 60 } } ],
 *   "output": { "values": "nonzero" } }
 * ```
 * `model` resolves against the job file's folder; each solver process reads and parses it
 * once at setup. Entrant options: `mipGap`, `timeLimitSec` (default: the job's), `msglev`.
 * The plan is marked `race: true`: the farm sends each entrant alone to its own solver and,
 * on the first result that is an answer (optimal, feasible, infeasible, unbounded — not a
 * time limit or an error), stops the run, killing the solvers still racing. The winner is
 * that result (its label names the entrant) and the run's reason. With fewer cores than
 * entrants, the extra entrants wait for a free core.
 */
import { statSync } from 'node:fs';
import { loadEngine } from '../engines/index.ts';
import type { Engine, EngineChoice, MsgLevel, SolveOptions } from '../engines/types.ts';
import { ENGINE_CHOICES } from '../engines/types.ts';
import type { LinearModel } from '../formats/model.ts';
import { isMip } from '../formats/model.ts';
import { readModelFile } from '../formats/read-model.ts';
import { pickValues, type ValuesChoice } from './batch.ts';
import { jobFilePath } from './job-access.ts';
import type { ParseContext, ProblemKind, SolveResult, SolverContext, TaskPlan } from './types.ts';
import { Reader } from './validate.ts';

const MSG_LEVELS: readonly MsgLevel[] = ['off', 'err', 'on', 'all'];

/** One entrant of a race. */
export interface Entrant {
  engine: EngineChoice;
  mipGap?: number;
  timeLimitSec?: number;
  msglev?: MsgLevel;
}

/** A parsed race job (JSON-safe). */
export interface RaceSpec {
  /** Absolute path of the model file. */
  model: string;
  /** The model as the job names it (labels, errors). */
  modelLabel: string;
  entrants: Entrant[];
  values: ValuesChoice;
}

/** Task: the entrant's index. */
export type RaceTask = number;

/** Statuses that end a race (an answer); a time limit or an error does not. */
export function isAnswer(status: SolveResult['status']): boolean {
  return status === 'optimal' || status === 'feasible' || status === 'infeasible' || status === 'unbounded';
}

function describeEntrant(e: Entrant, i: number): string {
  const parts: string[] = [];
  if (e.mipGap !== undefined) parts.push(`mipGap=${e.mipGap}`);
  if (e.timeLimitSec !== undefined) parts.push(`timeLimit=${e.timeLimitSec}s`);
  return `#${i + 1} ${e.engine}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** Parse a race job document; throws a located ValidationError. */
export function parseRace(doc: unknown, ctx: ParseContext): RaceSpec {
  const r = new Reader(ctx.source, doc);
  r.object();
  const kind = r.at('kind');
  if (kind.value !== undefined && kind.value !== 'race') kind.fail('"race"');
  const modelField = r.at('model');
  const given = modelField.string();
  const path = jobFilePath(modelField, ctx, given);
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    isFile = false;
  }
  if (!isFile) modelField.fail(`a model file (.lp, .mps, .lp.gz, .mps.gz); nothing at ${path}`);
  if (!/\.(lp|mps)(\.gz)?$/i.test(path)) modelField.fail('a model file ending in .lp, .mps, .lp.gz or .mps.gz');
  const defaultLimit = r.at('timeLimitSec').optional((x) => x.positive(), undefined);
  const list = r.at('entrants').array();
  if (list.length < 2) r.at('entrants').fail('at least two entrants (a race of one is a plain solve)');
  const entrants = list.map((e): Entrant => {
    e.object();
    const out: Entrant = { engine: e.at('engine').oneOf(ENGINE_CHOICES) };
    const o = e.at('options');
    if (o.value !== undefined) o.object();
    const gap = o.at('mipGap').optional((x) => {
      const v = x.number();
      if (v < 0) x.fail('a number >= 0');
      return v;
    }, undefined);
    if (gap !== undefined) out.mipGap = gap;
    const limit = o.at('timeLimitSec').optional((x) => x.positive(), defaultLimit);
    if (limit !== undefined) out.timeLimitSec = limit;
    const msglev = o.at('msglev').optional((x) => x.oneOf(MSG_LEVELS), undefined);
    if (msglev !== undefined) out.msglev = msglev;
    return out;
  });
  const valuesField = r.at('output').at('values');
  let values: ValuesChoice = 'nonzero';
  if (Array.isArray(valuesField.value)) values = valuesField.array().map((x) => x.string());
  else if (valuesField.value !== undefined) values = valuesField.oneOf(['all', 'nonzero', 'none'] as const);
  return { model: path, modelLabel: given, entrants, values };
}

/** The plan: one task per entrant, flagged as a race for the farm. */
export function planRace(spec: RaceSpec): TaskPlan<RaceTask> {
  return {
    type: 'tasks',
    count: spec.entrants.length,
    race: true,
    task: (i) => i,
    label: (i) => `${spec.modelLabel} ${describeEntrant(spec.entrants[i] as Entrant, i)}`,
    params: (i) => ({ entrant: i + 1, engine: (spec.entrants[i] as Entrant).engine }),
  };
}

/** What a solver process holds for a race: the parsed model and the engines it may run. */
export interface RaceState {
  spec: RaceSpec;
  model: LinearModel;
  engines: Map<EngineChoice, Engine>;
}

/** The race kind. */
export const race: ProblemKind<RaceSpec, RaceTask, RaceState> = {
  kind: 'race',
  parse: parseRace,
  plan: planRace,
  async setup(spec, ctx) {
    const model = readModelFile(spec.model, { label: spec.modelLabel });
    const engines = new Map<EngineChoice, Engine>();
    for (const e of spec.entrants) if (!engines.has(e.engine)) engines.set(e.engine, await loadEngine(e.engine));
    ctx.log(
      `race: ${spec.modelLabel}: ${model.rows.length} rows, ${model.variables.length} columns${isMip(model) ? ' (MIP)' : ''}`,
    );
    return { spec, model, engines };
  },
  solve(state: RaceState, i: RaceTask, ctx: SolverContext): SolveResult {
    const entrant = state.spec.entrants[i] as Entrant;
    const engine = state.engines.get(entrant.engine) as Engine;
    const name = describeEntrant(entrant, i);
    ctx.log(`race: entrant ${name} starts`);
    const options: SolveOptions = { msgLevel: entrant.msglev ?? 'on', log: ctx.log };
    if (entrant.mipGap !== undefined) options.mipGap = entrant.mipGap;
    if (entrant.timeLimitSec !== undefined) options.timeLimitSec = entrant.timeLimitSec;
    const r = engine.solve(state.model, options);
    ctx.log(
      `race: entrant ${name}: ${r.status}${r.objective === null ? '' : ` ${r.objective}`} in ${r.timeMs.toFixed(1)} ms`,
    );
    const out: SolveResult = { status: r.status, objective: r.objective, timeMs: r.timeMs, engine: r.engine };
    if (r.gap !== undefined) out.gap = r.gap;
    if (r.status === 'error') out.error = { name: 'EngineError', message: r.message ?? `${r.engine} failed` };
    const values = pickValues(state.model.variables, r.values, state.spec.values);
    if (values !== undefined) out.values = values;
    return out;
  },
};

export default race;
