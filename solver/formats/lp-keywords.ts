/**
 * CPLEX LP section keywords: which first words of a line open which section, and which
 * sections we refuse. Keywords count only as the first word(s) of a line (as CPLEX writes
 * them), so a variable called `free` or `bounds` inside an expression is still a variable.
 */
import { FormatError, quote } from './format-error.ts';

/** The sections of a CPLEX LP file we read. */
export type LpSection = 'min' | 'max' | 'st' | 'bounds' | 'general' | 'binary' | 'end';

/**
 * Keyword (lower case) → section, by its first word: no two keywords share one, so the first
 * word alone picks the only candidate.
 */
const KEYWORDS = new Map<string, [string[], LpSection]>(
  (
    [
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
    ] as [string[], LpSection][]
  ).map((entry) => [entry[0][0] as string, entry]),
);

/** Sections we refuse, with what they hold (for the message). */
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

/** A line's first word followed by ':' is a label (`bounds: x + y >= 1`), not a keyword. */
const LABEL = /^\s*\S+\s*:/;

/** The section keyword a line starts with. */
export interface KeywordAt {
  section: LpSection;
  /** The keyword as messages show it (lower case, one space between words). */
  text: string;
  /** Where the rest of the line (a label, an expression) starts. */
  end: number;
}

/**
 * The section keyword `line` (comment already cut) starts with, or undefined. Throws a
 * FormatError naming `file` and `lineNo` for a section we refuse (`SOS`, `Semi-Continuous`…).
 */
export function keywordAt(line: string, lineNo: number, file: string): KeywordAt | undefined {
  const words = line.trim().toLowerCase().split(/\s+/);
  const first = words[0] as string;
  if (first === '') return undefined;
  const entry = KEYWORDS.get(first);
  if (entry !== undefined) {
    const [kw, section] = entry;
    if (kw.every((w, i) => words[i] === w) && !LABEL.test(line)) {
      const last = kw[kw.length - 1] as string;
      return { section, text: kw.join(' '), end: line.toLowerCase().indexOf(last) + last.length };
    }
  }
  for (const [kw, what] of UNSUPPORTED) {
    // `sos:` counts too: a line that starts like a refused section is never read as a label.
    if (kw.every((w, i) => words[i] === w || words[i] === `${w}:`)) {
      throw new FormatError(
        file,
        lineNo,
        `section ${quote(kw.join(' '))} (${what}) is not supported: the farm solves linear and mixed-integer models only`,
      );
    }
  }
  return undefined;
}
