/**
 * MPS reader, fixed and free format, into the neutral LinearModel.
 *
 * Supported: NAME, OBJSENSE (same line or next line; MIN/MAX/MINIMIZE/MAXIMIZE), OBJNAME,
 * ROWS (N/L/G/E), COLUMNS with MARKER INTORG/INTEND, RHS (an RHS on the objective row is
 * the objective constant, or minus it with `objectiveRhs: 'negated'`), RANGES (all sign
 * rules), BOUNDS UP/LO/FX/FR/MI/PL/BV/LI/UI, ENDATA. Refused with a FormatError: SC bounds,
 * quadratic sections (QUADOBJ, QSECTION, QMATRIX, QCMATRIX), CSECTION, SOS, INDICATORS,
 * GENCONS, PWLOBJ and any other section.
 *
 * The driver: mps-lines.ts says which lines to skip, which open a section and how data lines
 * split (whitespace first, fixed columns as a fallback); mps-header.ts reads section headers
 * and the one-line sections; each data line goes to its section's handler (mps-rows.ts,
 * mps-columns.ts, mps-rhs.ts, mps-bounds.ts), all sharing one MpsState. What needs the whole
 * file (row bounds, marker integers without bounds, warnings about ignored sets) is done at
 * the end.
 */
import { quote } from './format-error.ts';
import type { LinearModel } from './model.ts';
import { readBoundLine } from './mps-bounds.ts';
import { readColumnLine } from './mps-columns.ts';
import { readHeader, readSense } from './mps-header.ts';
import { freeFields, isHeader, isSkipped } from './mps-lines.ts';
import { readRhsLine, setRowBounds } from './mps-rhs.ts';
import { readRowLine } from './mps-rows.ts';
import { type MpsOptions, MpsState } from './mps-state.ts';
import { splitLines } from './text-lines.ts';

export type { MpsOptions } from './mps-state.ts';

/** Parse an MPS document. Throws FormatError naming the file and line on any problem. */
export function readMps(text: string, options: MpsOptions = {}): LinearModel {
  // Typed explicitly so TypeScript sees that `s.fail` never returns.
  const s: MpsState = new MpsState(options);
  const lines = splitLines(text);
  for (const raw of lines) {
    s.lineNo++;
    if (s.sawEnd) {
      if (raw.trim() === '') continue;
      s.warnHere('text after ENDATA ignored');
      break;
    }
    if (isSkipped(raw)) continue;
    const line = raw.trimEnd();
    if (isHeader(line)) readHeader(s, line);
    else readDataLine(s, line);
  }
  s.lineNo = lines.length;
  if (!s.sawEnd) s.fail('the file ends without ENDATA: it is truncated or not an MPS file');
  if (!s.sawRows) s.fail('no ROWS section: not an MPS file');
  return finish(s);
}

/** A data line, to the handler of the section it is in. */
function readDataLine(s: MpsState, line: string): void {
  const fields = freeFields(line);
  switch (s.section) {
    case 'OBJSENSE':
      readSense(s, fields.join(' '));
      break;
    case 'OBJNAME':
      s.objectiveWanted = fields[0];
      break;
    case 'ROWS':
      readRowLine(s, fields, line);
      break;
    case 'COLUMNS':
      readColumnLine(s, fields, line);
      break;
    case 'RHS':
    case 'RANGES':
      readRhsLine(s, fields, line, s.section);
      break;
    case 'BOUNDS':
      readBoundLine(s, fields, line);
      break;
    case '':
      s.fail('expected a section header (NAME or ROWS) before data lines');
      break;
    default:
      s.fail(`unexpected data line in section ${s.section}`);
  }
}

/** What needs the whole file: row bounds, binary marker integers, and the end-of-file warnings. */
function finish(s: MpsState): LinearModel {
  const { file, model } = s;
  if (s.objective === undefined) model.warnings.push(`${file}: no objective (N) row: the objective is zero`);
  setRowBounds(s);
  // MPS convention (glpsol, HiGHS): an integer column from INTORG/INTEND markers that no
  // BOUNDS line names is binary.
  let binaries = 0;
  for (const j of s.markerIntegers) {
    const v = model.variables[j];
    if (v === undefined || s.bounded.has(j)) continue;
    v.ub = 1;
    binaries++;
  }
  if (binaries > 0) {
    model.warnings.push(`${file}: ${binaries} integer column(s) without bounds read as binary [0, 1] (MPS convention)`);
  }
  for (const [section, set] of [
    ['RHS', s.rhsSet],
    ['RANGES', s.rangeSet],
    ['BOUNDS', s.boundSet],
  ] as const) {
    if (set.ignored)
      model.warnings.push(`${file}: more than one ${section} set: only ${quote(set.name ?? '')} is used`);
  }
  if (s.freeRows.size > 0) {
    model.warnings.push(`${file}: ${s.freeRows.size} free (N) row(s) besides the objective ignored`);
  }
  return s.builder.finish();
}
