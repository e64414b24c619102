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
 * Section keywords are recognized only as the first word of a line (as CPLEX writes them),
 * so a variable called `free` or `bounds` inside an expression is still a variable.
 */
import { FormatError, quote } from './format-error.ts';
import { type LinearModel, ModelBuilder } from './model.ts';
import { parseNumber } from './mps-reader.ts';

/** Options of {@link readLp}. */
export interface LpOptions {
  /** File name used in errors. */
  file?: string;
}

type Tok =
  | { k: 'num'; v: number; line: number; text: string }
  | { k: 'name'; v: string; line: number; first: boolean }
  | { k: 'op'; v: string; line: number }
  | { k: 'section'; v: Section; line: number; text: string };

type Section = 'min' | 'max' | 'st' | 'bounds' | 'general' | 'binary' | 'end' | 'unsupported';

const OP_CHARS = '+-*^<>=:[]';

/** Keyword (lower case, spaces collapsed) → section. */
const KEYWORDS: [string[], Section][] = [
  [['minimize'], 'min'],
  [['minimise'], 'min'],
  [['minimum'], 'min'],
  [['min'], 'min'],
  [['maximize'], 'max'],
  [['maximise'], 'max'],
  [['maximum'], 'max'],
  [['max'], 'max'],
  [['subject', 'to'], 'st'],
  [['such', 'that'], 'st'],
  [['st'], 'st'],
  [['s.t.'], 'st'],
  [['st.'], 'st'],
  [['bounds'], 'bounds'],
  [['bound'], 'bounds'],
  [['general'], 'general'],
  [['generals'], 'general'],
  [['gen'], 'general'],
  [['integer'], 'general'],
  [['integers'], 'general'],
  [['binary'], 'binary'],
  [['binaries'], 'binary'],
  [['bin'], 'binary'],
  [['end'], 'end'],
];

const UNSUPPORTED: [string[], string][] = [
  [['semi-continuous'], 'semi-continuous variables'],
  [['semi', 'continuous'], 'semi-continuous variables'],
  [['semis'], 'semi-continuous variables'],
  [['sos'], 'special ordered sets'],
  [['lazy', 'constraints'], 'lazy constraints'],
  [['user', 'cuts'], 'user cuts'],
  [['general', 'constraints'], 'general constraints'],
  [['pwl'], 'piecewise-linear terms'],
  [['multi-objectives'], 'multiple objectives'],
];

/** Parse a CPLEX LP document. Throws FormatError naming the file and line on any problem. */
export function readLp(text: string, options: LpOptions = {}): LinearModel {
  const file = options.file ?? 'model.lp';
  const toks = tokenize(text, file);
  const b = new ModelBuilder('');
  const m = b.model;
  let p = 0;
  let sawObjective = false;
  let sawEnd = false;

  const peek = (o = 0): Tok | undefined => toks[p + o];
  const lastLine = (): number => toks[toks.length - 1]?.line ?? 1;
  const reject: (tok: Tok | undefined, message: string) => never = (tok, message) => {
    throw new FormatError(file, tok?.line ?? lastLine(), message);
  };
  const show = (tok: Tok | undefined): string => {
    if (tok === undefined) return 'the end of the file';
    if (tok.k === 'num') return quote(tok.text);
    if (tok.k === 'section') return `the keyword ${quote(tok.text)}`;
    return quote(tok.v);
  };

  const first = peek();
  if (first === undefined) reject(undefined, 'the file is empty: expected Minimize or Maximize');
  if (first?.k !== 'section' || (first.v !== 'min' && first.v !== 'max')) {
    reject(first, `expected Minimize or Maximize at the start, got ${show(first)}`);
  }

  while (p < toks.length && !sawEnd) {
    const t = toks[p];
    if (t === undefined) break;
    if (t.k !== 'section') reject(t, `expected a section keyword, got ${show(t)}`);
    if (t.k !== 'section') break;
    p++;
    switch (t.v) {
      case 'min':
      case 'max':
        if (sawObjective) reject(t, 'a second objective section: multiple objectives are not supported');
        sawObjective = true;
        m.sense = t.v;
        readObjective();
        break;
      case 'st':
        readConstraints();
        break;
      case 'bounds':
        readBounds();
        break;
      case 'general':
      case 'binary':
        readIntegers(t.v === 'binary');
        break;
      case 'end':
        sawEnd = true;
        break;
      case 'unsupported':
        reject(t, `section ${quote(t.text)} is not supported: the farm solves linear and mixed-integer models only`);
    }
  }
  if (!sawEnd) reject(undefined, 'the file ends without End: it is truncated or not a CPLEX LP file');
  return b.finish();

  /** A linear expression: terms and constants until something that is not a term. */
  function readExpression(allowNamesAsLabels: boolean): { cols: Map<number, number>; constant: number; any: boolean } {
    const cols = new Map<number, number>();
    let constant = 0;
    let any = false;
    for (;;) {
      let sign = 1;
      let signed = false;
      let t = peek();
      while (t?.k === 'op' && (t.v === '+' || t.v === '-')) {
        if (t.v === '-') sign = -sign;
        signed = true;
        p++;
        t = peek();
      }
      if (t === undefined) {
        if (signed) reject(t, 'expected a term after the sign, got the end of the file');
        break;
      }
      if (t.k === 'op' && t.v === '[') {
        reject(t, 'quadratic terms ([ ... ]) are not supported: the farm solves linear and mixed-integer models only');
      }
      if (!signed && any) {
        // Without a sign a new term cannot start: the expression ended.
        break;
      }
      if (t.k === 'num') {
        if (!Number.isFinite(t.v)) reject(t, `expected a finite coefficient, got ${show(t)}`);
        p++;
        const n = peek();
        if (n?.k === 'op' && n.v === '*') p++;
        const v = peek();
        if (v?.k === 'name' && !(allowNamesAsLabels && peek(1)?.k === 'op' && (peek(1) as { v: string }).v === ':')) {
          p++;
          checkNotQuadratic();
          const j = b.variable(v.v);
          cols.set(j, (cols.get(j) ?? 0) + sign * t.v);
        } else {
          constant += sign * t.v;
        }
        any = true;
        continue;
      }
      if (t.k === 'name') {
        if (!signed && allowNamesAsLabels && peek(1)?.k === 'op' && (peek(1) as { v: string }).v === ':') break;
        p++;
        checkNotQuadratic();
        const j = b.variable(t.v);
        cols.set(j, (cols.get(j) ?? 0) + sign);
        any = true;
        continue;
      }
      if (signed) reject(t, `expected a number or a variable after the sign, got ${show(t)}`);
      break;
    }
    return { cols, constant, any };
  }

  function checkNotQuadratic(): void {
    const n = peek();
    if (n?.k === 'op' && (n.v === '^' || n.v === '*')) {
      reject(n, 'quadratic terms are not supported: the farm solves linear and mixed-integer models only');
    }
  }

  function readObjective(): void {
    const t = peek();
    if (t?.k === 'name' && peek(1)?.k === 'op' && (peek(1) as { v: string }).v === ':') {
      m.objectiveName = t.v;
      p += 2;
    }
    const e = readExpression(false);
    for (const [j, c] of e.cols) m.objective[j] = c;
    m.objectiveConstant = e.constant;
    const n = peek();
    if (n !== undefined && n.k !== 'section') {
      reject(n, `expected a term of the objective or a section keyword, got ${show(n)}`);
    }
  }

  function readOperator(): '<=' | '>=' | '=' | undefined {
    const t = peek();
    if (t?.k !== 'op') return undefined;
    if (t.v === '<' || t.v === '<=' || t.v === '=<') {
      p++;
      return '<=';
    }
    if (t.v === '>' || t.v === '>=' || t.v === '=>') {
      p++;
      return '>=';
    }
    if (t.v === '=') {
      p++;
      return '=';
    }
    return undefined;
  }

  function readConstraints(): void {
    let count = 0;
    while (peek() !== undefined && peek()?.k !== 'section') {
      const start = peek();
      let name: string | undefined;
      if ((start?.k === 'name' || start?.k === 'num') && peek(1)?.k === 'op' && (peek(1) as { v: string }).v === ':') {
        // A label that looks like a number ("001:") is still a label: HiGHS writes MPS row
        // names such as 001 into its LP files as they are.
        name = start.k === 'name' ? start.v : start.text;
        p += 2;
      }
      count++;
      const rowName = name ?? `R${count}`;
      const head = peek();
      // Ranged row: number op expr op number.
      let lower: { op: string; value: number } | undefined;
      if (head?.k === 'num' || (head?.k === 'op' && (head.v === '-' || head.v === '+') && peek(1)?.k === 'num')) {
        const save = p;
        let sign = 1;
        if (head.k === 'op') {
          sign = head.v === '-' ? -1 : 1;
          p++;
        }
        const n = peek() as Tok & { k: 'num' };
        p++;
        const op = readOperator();
        if (op !== undefined) lower = { op, value: sign * n.v };
        else p = save;
      }
      const e = readExpression(true);
      if (!e.any || e.cols.size === 0) {
        if (e.any) reject(peek() ?? head, `constraint ${quote(rowName)} has no variables`);
        reject(peek() ?? head, `expected a constraint (expression, operator, right-hand side), got ${show(peek())}`);
      }
      const op = readOperator();
      if (op === undefined)
        reject(peek(), `expected <=, >= or = after the expression of ${quote(rowName)}, got ${show(peek())}`);
      const rhs = readSignedNumber(`a right-hand side number for ${quote(rowName)}`);
      let lb: number;
      let ub: number;
      if (lower !== undefined) {
        if (lower.op !== op || op === '=') {
          reject(head, `ranged constraint ${quote(rowName)}: expected "lower <= expression <= upper" (or both >=)`);
        }
        const lo = lower.value - e.constant;
        const hi = rhs - e.constant;
        [lb, ub] = op === '<=' ? [lo, hi] : [hi, lo];
      } else {
        const r = rhs - e.constant;
        if (op === '<=') [lb, ub] = [Number.NEGATIVE_INFINITY, r];
        else if (op === '>=') [lb, ub] = [r, Number.POSITIVE_INFINITY];
        else [lb, ub] = [r, r];
      }
      const i = b.addRow(rowName, lb, ub);
      if (i === undefined) reject(start, `constraint ${quote(rowName)} is defined twice`);
      if (i === undefined) return;
      for (const [j, c] of e.cols) b.addCoef(i, j, c, true);
    }
  }

  function readSignedNumber(what: string): number {
    let sign = 1;
    let t = peek();
    while (t?.k === 'op' && (t.v === '+' || t.v === '-')) {
      if (t.v === '-') sign = -sign;
      p++;
      t = peek();
    }
    if (t?.k === 'num') {
      p++;
      // As in MPS (and CPLEX, which uses 1e20): a huge bound or right-hand side is infinite.
      if (t.v >= 1e30) return sign * Number.POSITIVE_INFINITY;
      return sign * t.v;
    }
    if (t?.k === 'name' && /^inf(inity)?$/i.test(t.v)) {
      p++;
      return sign * Number.POSITIVE_INFINITY;
    }
    reject(t, `expected ${what}, got ${show(t)}`);
  }

  function isInfName(t: Tok | undefined): boolean {
    return t?.k === 'name' && /^inf(inity)?$/i.test(t.v);
  }

  function readBounds(): void {
    while (peek() !== undefined && peek()?.k !== 'section') {
      const t = peek();
      // Forms: [num op] name [op num] | name free | name = num
      let left: { op: '<=' | '>=' | '='; value: number } | undefined;
      const startsWithNumber =
        t?.k === 'num' ||
        isInfName(t) ||
        (t?.k === 'op' && (t.v === '-' || t.v === '+') && (peek(1)?.k === 'num' || isInfName(peek(1))));
      if (startsWithNumber) {
        const value = readSignedNumber('a bound value');
        const op = readOperator();
        if (op === undefined) reject(peek(), `expected <=, >= or = after the bound value, got ${show(peek())}`);
        if (op !== undefined) left = { op, value };
      }
      const v = peek();
      if (v?.k !== 'name') reject(v, `expected a variable name in Bounds, got ${show(v)}`);
      p++;
      const j = b.variable(v.v);
      const variable = m.variables[j];
      if (variable === undefined) return;
      if (left === undefined) {
        const n = peek();
        if (n?.k === 'name' && /^free$/i.test(n.v)) {
          p++;
          variable.lb = Number.NEGATIVE_INFINITY;
          variable.ub = Number.POSITIVE_INFINITY;
          continue;
        }
      } else {
        // value op x: "l <= x" is a lower bound, "u >= x" an upper bound.
        if (left.op === '<=') variable.lb = left.value;
        else if (left.op === '>=') variable.ub = left.value;
        else {
          variable.lb = left.value;
          variable.ub = left.value;
        }
      }
      const op = readOperator();
      if (op === undefined) {
        if (left === undefined)
          reject(peek(), `expected <=, >=, = or "free" after ${quote(v.v)} in Bounds, got ${show(peek())}`);
        continue;
      }
      const value = readSignedNumber(`a bound value for ${quote(v.v)}`);
      if (op === '<=') variable.ub = value;
      else if (op === '>=') variable.lb = value;
      else {
        variable.lb = value;
        variable.ub = value;
      }
      if (variable.ub < 0 && variable.lb === 0 && left === undefined && op === '<=') {
        m.warnings.push(
          `${file}:${v.line}: ${quote(v.v)} has a negative upper bound and the default lower bound 0: it cannot be feasible unless a lower bound is given`,
        );
      }
    }
  }

  function readIntegers(binary: boolean): void {
    while (peek()?.k === 'name') {
      const t = peek() as Tok & { k: 'name' };
      p++;
      const j = b.variable(t.v);
      const v = m.variables[j];
      if (v === undefined) continue;
      v.integer = true;
      if (binary) {
        v.lb = 0;
        v.ub = 1;
      }
    }
    const n = peek();
    if (n !== undefined && n.k !== 'section') reject(n, `expected a variable name, got ${show(n)}`);
  }
}

/** Split LP text into tokens with line numbers; section keywords only at the start of a line. */
function tokenize(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1;
    let line = lines[li] ?? '';
    const comment = line.indexOf('\\');
    if (comment >= 0) line = line.slice(0, comment);
    const words = line.trim().toLowerCase().split(/\s+/);
    let start = 0;
    // Section keywords: the line's first words, unless followed by ':' (then it is a label).
    if (words[0] !== undefined && words[0] !== '') {
      let matched = false;
      for (const [kw, section] of KEYWORDS) {
        if (kw.every((w, i) => words[i] === w) && !/^\s*\S+\s*:/.test(line)) {
          const rest = words.slice(kw.length).join(' ');
          // "min x" is not a keyword line unless the keyword is alone or followed by a label/expr;
          // CPLEX puts objective terms on the next lines or the same line, both are fine.
          if (kw.length === 2 && words[1] !== kw[1]) continue;
          out.push({ k: 'section', v: section, line: lineNo, text: kw.join(' ') });
          const idx = line.toLowerCase().indexOf(kw[kw.length - 1] as string);
          start = idx + (kw[kw.length - 1] as string).length;
          matched = true;
          void rest;
          break;
        }
      }
      if (!matched) {
        for (const [kw, what] of UNSUPPORTED) {
          if (kw.every((w, i) => words[i] === w || words[i] === `${w}:`)) {
            throw new FormatError(
              file,
              lineNo,
              `section ${quote(kw.join(' '))} (${what}) is not supported: the farm solves linear and mixed-integer models only`,
            );
          }
        }
      }
    }
    let firstOnLine = out.length === 0 || out[out.length - 1]?.line !== lineNo;
    let i = start;
    while (i < line.length) {
      const ch = line[i] as string;
      if (ch === ' ' || ch === '\t' || ch === '\f' || ch === '\v') {
        i++;
        continue;
      }
      if (OP_CHARS.includes(ch)) {
        const two = line.slice(i, i + 2);
        if (two === '<=' || two === '>=' || two === '=<' || two === '=>') {
          out.push({ k: 'op', v: two, line: lineNo });
          i += 2;
        } else {
          out.push({ k: 'op', v: ch, line: lineNo });
          i++;
        }
        firstOnLine = false;
        continue;
      }
      // A number; a '.' not followed by a digit starts a name instead (CPLEX forbids such
      // names, but HiGHS writes MPS names like "...100" into its LP files unchanged).
      const mm =
        (ch >= '0' && ch <= '9') || ch === '.' ? /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(line.slice(i)) : null;
      if (mm !== null) {
        const v = Number(mm[0]);
        out.push({ k: 'num', v, line: lineNo, text: mm[0] });
        i += mm[0].length;
        firstOnLine = false;
        continue;
      }
      let j = i;
      while (j < line.length && !OP_CHARS.includes(line[j] as string) && !/\s/.test(line[j] as string)) j++;
      const name = line.slice(i, j);
      if (name.length > 255) throw new FormatError(file, lineNo, `a name longer than 255 characters: ${quote(name)}`);
      if (hasControlCharacter(name)) {
        throw new FormatError(file, lineNo, `unexpected control character in ${quote(name)}: expected a name`);
      }
      if (/^inf(inity)?$/i.test(name)) {
        out.push({ k: 'name', v: name, line: lineNo, first: firstOnLine });
      } else {
        const n = parseNumber(name);
        if (n !== undefined && Number.isFinite(n)) out.push({ k: 'num', v: n, line: lineNo, text: name });
        else out.push({ k: 'name', v: name, line: lineNo, first: firstOnLine });
      }
      i = j;
      firstOnLine = false;
    }
  }
  return out;
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c === 127) return true;
  }
  return false;
}
