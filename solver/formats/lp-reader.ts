/**
 * CPLEX LP reader into the neutral LinearModel.
 *
 * Supported: `\` comments, Minimize/Maximize (min, max, minimum, maximum…) with an optional
 * `name:` and a constant term, Subject To (st, s.t., such that) with `name:` labels, operators
 * < <= =< > >= => =, a constant on either side, ranged rows `lb <= expr <= ub`, Bounds (x >= l,
 * x <= u, l <= x <= u, x = v, x free, ±inf / infinity), General(s)/Gen/Integer(s), Binary/
 * Binaries/Bin, End. Refused with a FormatError: quadratic terms (`[ ... ]`), Semi-Continuous,
 * SOS, lazy constraints, user cuts, general/indicator constraints, multiple objectives.
 *
 * The driver: lp-tokenizer.ts cuts the text into tokens (section keywords only as the first
 * word of a line, lp-keywords.ts), and each section keyword hands the tokens after it to its
 * handler (lp-objective.ts, lp-constraints.ts, lp-bounds.ts, lp-integers.ts) through one
 * LpState. Text after `End` is ignored.
 */
import { readBounds } from './lp-bounds.ts';
import { readConstraints } from './lp-constraints.ts';
import { readIntegers } from './lp-integers.ts';
import { readObjective } from './lp-objective.ts';
import { LpState, show } from './lp-state.ts';
import { tokenizeLp } from './lp-tokenizer.ts';
import type { LinearModel } from './model.ts';

/** Options of {@link readLp}. */
export interface LpOptions {
  /** File name used in errors. */
  file?: string;
}

/** Parse a CPLEX LP document. Throws FormatError naming the file and line on any problem. */
export function readLp(text: string, options: LpOptions = {}): LinearModel {
  const file = options.file ?? 'model.lp';
  // Typed explicitly so TypeScript sees that `s.fail` never returns.
  const s: LpState = new LpState(tokenizeLp(text, file), file);
  const first = s.peek();
  if (first === undefined) s.fail(undefined, 'the file is empty: expected Minimize or Maximize');
  if (first.k !== 'section' || (first.v !== 'min' && first.v !== 'max')) {
    s.fail(first, `expected Minimize or Maximize at the start, got ${show(first)}`);
  }
  let sawObjective = false;
  for (let t = s.peek(); t !== undefined; t = s.peek()) {
    // Every handler stops at a section keyword (or refuses the token it stopped at).
    if (t.k !== 'section') s.fail(t, `expected a section keyword, got ${show(t)}`);
    s.pos++;
    switch (t.v) {
      case 'min':
      case 'max':
        if (sawObjective) s.fail(t, 'a second objective section: multiple objectives are not supported');
        sawObjective = true;
        readObjective(s, t.v);
        break;
      case 'st':
        readConstraints(s);
        break;
      case 'bounds':
        readBounds(s);
        break;
      case 'general':
      case 'binary':
        readIntegers(s, t.v === 'binary');
        break;
      case 'end':
        return s.builder.finish();
    }
  }
  s.fail(undefined, 'the file ends without End: it is truncated or not a CPLEX LP file');
}
