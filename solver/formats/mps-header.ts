/**
 * MPS section headers (a line starting in column 1), and the sections whose content fits on
 * the header line or one data line: NAME, OBJSENSE (OBJSENS), OBJNAME.
 */
import { quote } from './format-error.ts';
import type { MpsState } from './mps-state.ts';

/** Sections we refuse, with what they hold (for the message). */
const UNSUPPORTED_SECTIONS: Record<string, string> = {
  QUADOBJ: 'a quadratic objective',
  QSECTION: 'a quadratic objective',
  QMATRIX: 'a quadratic objective',
  QCMATRIX: 'quadratic constraints',
  CSECTION: 'conic constraints',
  SOS: 'special ordered sets',
  INDICATORS: 'indicator constraints',
  GENCONS: 'general constraints',
  PWLOBJ: 'a piecewise-linear objective',
  PWLNAM: 'piecewise-linear constraints',
  PWLCON: 'piecewise-linear constraints',
  BRANCH: 'branching priorities',
  LAZYCONS: 'lazy constraints',
  USERCUTS: 'user cuts',
  SCENARIOS: 'stochastic scenarios',
};

const SECTIONS = new Set([
  'NAME',
  'OBJSENSE',
  'OBJSENS',
  'OBJNAME',
  'ROWS',
  'COLUMNS',
  'RHS',
  'RANGES',
  'BOUNDS',
  'ENDATA',
  ...Object.keys(UNSUPPORTED_SECTIONS),
]);

/** Reads a header line: checks the section's name and order, and what the line itself carries. */
export function readHeader(s: MpsState, line: string): void {
  const tokens = line.split(/\s+/);
  const head = (tokens[0] ?? '').toUpperCase();
  if (!SECTIONS.has(head)) {
    s.fail(
      `expected a section name (NAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS, ENDATA…), got ${quote(tokens[0] ?? '')}; data lines must start with a space`,
    );
  }
  const unsupported = UNSUPPORTED_SECTIONS[head];
  if (unsupported !== undefined) {
    s.fail(`section ${head} (${unsupported}) is not supported: the farm solves linear and mixed-integer models only`);
  }
  s.section = head;
  switch (head) {
    case 'NAME':
      s.model.name = line.slice(4).trim();
      break;
    case 'OBJSENSE':
    case 'OBJSENS':
      s.section = 'OBJSENSE';
      if (tokens.length > 1) readSense(s, tokens.slice(1).join(' '));
      break;
    case 'OBJNAME':
      if (tokens.length > 1) s.objectiveWanted = tokens[1];
      break;
    case 'ROWS':
      s.sawRows = true;
      break;
    case 'COLUMNS':
      if (!s.sawRows) s.fail('COLUMNS before ROWS: expected the ROWS section first');
      s.sawColumns = true;
      break;
    case 'RHS':
    case 'RANGES':
      if (!s.sawColumns) s.fail(`${head} before COLUMNS: expected the COLUMNS section first`);
      break;
    case 'ENDATA':
      s.sawEnd = true;
      break;
  }
}

/** The objective sense, from the OBJSENSE header line or the data line after it. */
export function readSense(s: MpsState, word: string): void {
  const w = word.trim().toUpperCase();
  if (w === 'MAX' || w === 'MAXIMIZE' || w === 'MAXIMISE') s.model.sense = 'max';
  else if (w === 'MIN' || w === 'MINIMIZE' || w === 'MINIMISE') s.model.sense = 'min';
  else s.fail(`expected MIN or MAX after OBJSENSE, got ${quote(word)}`);
}
