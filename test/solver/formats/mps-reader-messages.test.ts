/**
 * Pins what the MPS reader says about small inputs, byte for byte: every error message (file,
 * line, wording), every warning, and the model read, including the quirks of fixed MPS, BV
 * bounds, OBJNAME and the infinity thresholds. Written against the reader before it was split
 * into line splitting and section handlers (issue 12), so the split cannot change what a user
 * sees.
 */
import { describe, expect, it } from 'vitest';
import { readMps } from '../../../solver/formats/mps-reader.ts';
import { outcome } from './helpers.ts';

const M = (...l: string[]) => l.join('\n');
const base = (cols = '    x obj 1 c 1', rest = 'RHS\n    rhs c 4\nENDATA') =>
  M('NAME T', 'ROWS', ' N obj', ' L c', 'COLUMNS', cols, rest);
const MPS: [string, string, string | string[]][] = [
  [
    'COLUMNS before ROWS',
    M('NAME T', 'COLUMNS', '    x obj 1', 'ENDATA'),
    't.mps:2: COLUMNS before ROWS: expected the ROWS section first',
  ],
  [
    'RHS before COLUMNS',
    M('NAME T', 'ROWS', ' N obj', 'RHS', 'ENDATA'),
    't.mps:4: RHS before COLUMNS: expected the COLUMNS section first',
  ],
  [
    'data before any section',
    M('    x obj 1', 'ENDATA'),
    't.mps:1: expected a section header (NAME or ROWS) before data lines',
  ],
  ['data in NAME', M('NAME T', '    x', 'ENDATA'), 't.mps:2: unexpected data line in section NAME'],
  ['no ROWS', M('NAME T', 'ENDATA'), 't.mps:2: no ROWS section: not an MPS file'],
  [
    'ROWS line with one field',
    M('NAME T', 'ROWS', ' N', 'ENDATA'),
    't.mps:3: expected a row type (N, L, G, E) and a row name',
  ],
  ['row twice (L)', M('NAME T', 'ROWS', ' N obj', ' L c', ' G c', 'ENDATA'), 't.mps:5: row "c" is defined twice'],
  [
    'row named like the objective',
    M('NAME T', 'ROWS', ' N obj', ' L obj', 'ENDATA'),
    't.mps:4: row "obj" is defined twice',
  ],
  ['N row twice', M('NAME T', 'ROWS', ' N obj', ' N f', ' N f', 'ENDATA'), 't.mps:5: row "f" is defined twice'],
  [
    'bad MARKER',
    base("    M1 'MARKER' 'INTSTART'"),
    "t.mps:6: expected 'INTORG' or 'INTEND' in a MARKER line, got \"M1 'MARKER' 'INTSTART'\"",
  ],
  [
    'COLUMNS with 4 fields',
    base('    x obj 1 c'),
    't.mps:6: expected "column row value [row value]" in COLUMNS, got 4 fields',
  ],
  [
    'COLUMNS missing value',
    base('    x obj'),
    't.mps:6: expected "column row value [row value]" in COLUMNS, got 2 fields',
  ],
  [
    'infinite coefficient',
    base('    x obj 1e999'),
    't.mps:6: expected a finite coefficient for row "obj", got "1e999"',
  ],
  [
    'infinite coefficient word',
    base('    x obj inf'),
    't.mps:6: expected a finite coefficient for row "obj", got "inf"',
  ],
  [
    'bad RHS line',
    base(undefined, 'RHS\n    rhs c four\nENDATA'),
    't.mps:8: expected "[set] row value [row value]" in RHS, got "rhs c four"',
  ],
  [
    'RANGES on objective',
    base(undefined, 'RANGES\n    rng obj 4\nENDATA'),
    't.mps:8: RANGES on the objective row "obj": expected a constraint row',
  ],
  [
    'RHS unknown row',
    base(undefined, 'RHS\n    rhs d 4\nENDATA'),
    't.mps:8: RHS refers to row "d", which ROWS does not define',
  ],
  [
    'bad bound type',
    base(undefined, 'BOUNDS\n XX bnd x 4\nENDATA'),
    't.mps:8: expected a bound type UP, LO, FX, FR, MI, PL, BV, LI or UI, got "XX"',
  ],
  [
    'UP without value',
    base(undefined, 'BOUNDS\n UP bnd x\nENDATA'),
    't.mps:8: expected "UP [set] column value" in BOUNDS, got "UP bnd x"',
  ],
  [
    'FR with too many fields',
    base(undefined, 'BOUNDS\n FR bnd x 4\nENDATA'),
    't.mps:8: BOUNDS refers to column "", which COLUMNS does not define',
  ],
  [
    'UP bad value',
    base(undefined, 'BOUNDS\n UP x four\nENDATA'),
    't.mps:8: expected "UP [set] column value" in BOUNDS, got "UP x four"',
  ],
  [
    'text after ENDATA',
    base(undefined, 'RHS\n    rhs c 4\nENDATA\n\ngarbage\nmore'),
    ['T min obj 1 + 0', 'var x [0, inf]', 'row c [-inf, 4] 1*0', 'warning t.mps:11: text after ENDATA ignored'],
  ],
  [
    'no N row',
    M('NAME T', 'ROWS', ' L c', 'COLUMNS', '    x c 1', 'ENDATA'),
    [
      'T min obj 0 + 0',
      'var x [0, inf]',
      'row c [-inf, 0] 1*0',
      'warning t.mps: no objective (N) row: the objective is zero',
    ],
  ],
  [
    'column continues',
    base('    x obj 1\n    y c 1\n    x c 1', 'ENDATA'),
    [
      'T min obj 1 0 + 0',
      'var x [0, inf]',
      'var y [0, inf]',
      'row c [-inf, 0] 1*1 1*0',
      'warning t.mps:8: column "x" continues after other columns',
    ],
  ],
  [
    'two RHS, RANGES, BOUNDS sets',
    base(
      '    x obj 1 c 1',
      'RHS\n    r1 c 4\n    r2 c 5\nRANGES\n    g1 c 1\n    g2 c 2\nBOUNDS\n UP b1 x 3\n UP b2 x 9\nENDATA',
    ),
    [
      'T min obj 1 + 0',
      'var x [0, 3]',
      'row c [3, 4] 1*0',
      'warning t.mps: more than one RHS set: only "r1" is used',
      'warning t.mps: more than one RANGES set: only "g1" is used',
      'warning t.mps: more than one BOUNDS set: only "b1" is used',
    ],
  ],
  [
    'objective RHS',
    base(undefined, 'RHS\n    rhs obj -7.5 c 4\nENDATA'),
    [
      'T min obj 1 + -7.5',
      'var x [0, inf]',
      'row c [-inf, 4] 1*0',
      'warning t.mps:8: RHS -7.5 on the objective row read as objective constant -7.5 (glpsol/CBC convention; CPLEX and HiGHS negate it)',
    ],
  ],
  [
    'OBJNAME picks the N row, OBJSENS alias, NAME with spaces',
    M(
      'NAME  my model  ',
      'OBJSENS',
      '  MAX',
      'OBJNAME',
      '  second',
      'ROWS',
      ' N first',
      ' N second',
      ' L c',
      'COLUMNS',
      '    x first 1 second 2',
      '    x c 1',
      'ENDATA',
    ),
    [
      'my model max second 2 + 0',
      'var x [0, inf]',
      'row c [-inf, 0] 1*0',
      'warning t.mps: 1 free (N) row(s) besides the objective ignored',
    ],
  ],
  [
    'OBJNAME on the header line',
    M('NAME T', 'OBJNAME second', 'ROWS', ' N first', ' N second', 'COLUMNS', '    x first 1 second 2', 'ENDATA'),
    ['T min second 2 + 0', 'var x [0, inf]', 'warning t.mps: 1 free (N) row(s) besides the objective ignored'],
  ],
  [
    'BV with two fields: known column then value, or set then column',
    base('    x obj 1 c 1\n    y obj 1', 'BOUNDS\n BV x 1\n BV bnd y\nENDATA'),
    [
      'T min obj 1 1 + 0',
      'var x [0, 1] int',
      'var y [0, inf]',
      'row c [-inf, 0] 1*0',
      'warning t.mps: more than one BOUNDS set: only "" is used',
    ],
  ],
  [
    'comments, tabs, CRLF, d exponents, huge values',
    'NAME T\r\n* comment\r\nROWS\r\n N obj\r\n\tL c\r\n G g\r\nCOLUMNS\r\n\tx\tobj\t1d0\tc\t2.5D1\r\n    x g 1\r\nRHS\r\n    rhs c 1e30 g -1e30\r\nBOUNDS\r\n UP bnd x 1e31\r\n LO bnd x -1e30\r\nENDATA\r\n',
    ['T min obj 1 + 0', 'var x [-inf, inf]', 'row c [-inf, inf] 25*0', 'row g [-inf, inf] 1*0'],
  ],
  [
    'UP -1e30 and LO 1e30 and FX 1e30 stay finite; RANGES 1e30 too',
    base(
      '    x obj 1 c 1\n    y obj 1\n    z obj 1',
      'RANGES\n    rng c 1e30\nBOUNDS\n LO bnd x -4\n UP bnd x -1e30\n LO bnd y 1e30\n FX bnd z 1e30\nENDATA',
    ),
    [
      'T min obj 1 1 1 + 0',
      'var x [-4, -1e+30]',
      'var y [1e+30, inf]',
      'var z [1e+30, 1e+30]',
      'row c [-1e+30, 0] 1*0',
    ],
  ],
  [
    'free rows are skipped in RHS/RANGES',
    M(
      'NAME T',
      'ROWS',
      ' N obj',
      ' N f',
      ' L c',
      'COLUMNS',
      '    x obj 1 c 1',
      '    x f 1',
      'RHS',
      '    rhs f 4 c 3',
      'RANGES',
      '    rng f 1',
      'ENDATA',
    ),
    [
      'T min obj 1 + 0',
      'var x [0, inf]',
      'row c [-inf, 3] 1*0',
      'warning t.mps: 1 free (N) row(s) besides the objective ignored',
    ],
  ],
  [
    'marker integer with bounds, UI/LI',
    base(
      "    M 'MARKER' 'INTORG'\n    x obj 1 c 1\n    y obj 1\n    M 'MARKER' 'INTEND'",
      'BOUNDS\n UP bnd x 5\nENDATA',
    ),
    [
      'T min obj 1 1 + 0',
      'var x [0, 5] int',
      'var y [0, 1] int',
      'row c [-inf, 0] 1*0',
      'warning t.mps: 1 integer column(s) without bounds read as binary [0, 1] (MPS convention)',
    ],
  ],
  [
    'section names are case-insensitive, OBJSENSE MAXIMIZE same line',
    M('name t', 'objsense maximize', 'rows', ' n obj', 'columns', '    x obj 1', 'endata'),
    ['t max obj 1 + 0', 'var x [0, inf]'],
  ],
  [
    'fixed-format RHS and BOUNDS with spaces in names',
    M(
      'NAME T',
      'ROWS',
      ' N  obj',
      ' L  my row',
      'COLUMNS',
      '    my col    obj       1.             my row    1.',
      'RHS',
      '    rhs set   my row    4.',
      'BOUNDS',
      ' UP bnd set   my col    3.',
      ' FR bnd set   my col',
      'ENDATA',
    ),
    ['T min obj 1 + 0', 'var my col [-inf, inf]', 'row my row [-inf, 4] 1*0'],
  ],
];

describe('MPS reader messages and quirks', () => {
  it.each(MPS)('%s', (_name, text, expected) => {
    expect(outcome(() => readMps(text, { file: 't.mps' }))).toEqual(expected);
  });
});
