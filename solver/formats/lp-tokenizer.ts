/**
 * Splits CPLEX LP text into tokens, each with its line number: section keywords (only at the
 * start of a line, see lp-keywords.ts), operators, unsigned numbers and names. `\` starts a
 * comment to the end of the line. The section handlers walk the tokens through LpState.
 */
import { FormatError, quote } from './format-error.ts';
import { keywordAt, type LpSection } from './lp-keywords.ts';
import { unsignedNumberAt } from './numbers.ts';
import { splitLines } from './text-lines.ts';

/** One token of an LP file; `line` is 1-based. */
export type LpToken =
  | { k: 'num'; v: number; line: number; text: string }
  | { k: 'name'; v: string; line: number }
  | { k: 'op'; v: string; line: number }
  | { k: 'section'; v: LpSection; line: number; text: string };

/** Characters that are operators on their own (`<=`, `>=`, `=<`, `=>` are read as one). */
const OP_CHARS = '+-*^<>=:[]';
/** A name runs to the next operator character or white space. */
const NAME = /[^+\-*^<>=:[\]\s]*/y;
const SPACE = /\s/;

/** The tokens of an LP document; throws a FormatError for a refused section or a bad name. */
export function tokenizeLp(text: string, file: string): LpToken[] {
  const out: LpToken[] = [];
  const lines = splitLines(text);
  for (let li = 0; li < lines.length; li++) {
    const lineNo = li + 1;
    let line = lines[li] ?? '';
    const comment = line.indexOf('\\');
    if (comment >= 0) line = line.slice(0, comment);
    const keyword = keywordAt(line, lineNo, file);
    if (keyword !== undefined) out.push({ k: 'section', v: keyword.section, line: lineNo, text: keyword.text });
    scanLine(line, keyword?.end ?? 0, lineNo, file, out);
  }
  return out;
}

/** Tokens of `line` from `at` on, appended to `out`. */
function scanLine(line: string, at: number, lineNo: number, file: string, out: LpToken[]): void {
  let i = at;
  while (i < line.length) {
    const ch = line[i] as string;
    // Any white space separates (a no-break space or a BOM too: the name scan stops at them).
    if (ch === ' ' || ch === '\t' || SPACE.test(ch)) {
      i++;
      continue;
    }
    if (OP_CHARS.includes(ch)) {
      const two = line.slice(i, i + 2);
      const op = two === '<=' || two === '>=' || two === '=<' || two === '=>' ? two : ch;
      out.push({ k: 'op', v: op, line: lineNo });
      i += op.length;
      continue;
    }
    // A number; a '.' not followed by a digit starts a name instead (CPLEX forbids such
    // names, but HiGHS writes MPS names like "...100" into its LP files unchanged).
    const number = (ch >= '0' && ch <= '9') || ch === '.' ? unsignedNumberAt(line, i) : undefined;
    if (number !== undefined) {
      out.push({ k: 'num', v: Number(number), line: lineNo, text: number });
      i += number.length;
      continue;
    }
    NAME.lastIndex = i;
    const name = (NAME.exec(line) as RegExpExecArray)[0];
    checkName(name, lineNo, file);
    // `inf` and `infinity` stay names: the handlers read them as infinite only where a bound goes.
    out.push({ k: 'name', v: name, line: lineNo });
    i += name.length;
  }
}

/** Refuses a name no LP writer makes: one that would flood a message, or holds a control character. */
function checkName(name: string, lineNo: number, file: string): void {
  if (name.length > 255) throw new FormatError(file, lineNo, `a name longer than 255 characters: ${quote(name)}`);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 32 || c === 127) {
      throw new FormatError(file, lineNo, `unexpected control character in ${quote(name)}: expected a name`);
    }
  }
}
