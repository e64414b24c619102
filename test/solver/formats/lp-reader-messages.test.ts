/**
 * Pins what the CPLEX LP reader says about small inputs, byte for byte: every error message
 * (file, line, wording), every warning, and the model read, including keywords used as names
 * and labels, numeric labels, and infinite bounds. Written against the reader before it was
 * split into a tokenizer and section handlers (issue 12), so the split cannot change what a
 * user sees.
 */
import { describe, expect, it } from 'vitest';
import { readLp } from '../../../solver/formats/lp-reader.ts';
import { outcome } from './helpers.ts';

const L = (...l: string[]) => l.join('\n');
const LP: [string, string, string | string[]][] = [
  ['empty', '', 't.lp:1: the file is empty: expected Minimize or Maximize'],
  ['only a comment', '\\ nothing', 't.lp:1: the file is empty: expected Minimize or Maximize'],
  [
    'second objective',
    L('Minimize', ' x', 'Maximize', ' y', 'End'),
    't.lp:3: a second objective section: multiple objectives are not supported',
  ],
  [
    'sign at the end of the file',
    L('Minimize', ' x -'),
    't.lp:2: expected a term after the sign, got the end of the file',
  ],
  [
    'x ^ 2',
    L('Minimize', ' x ^ 2', 'End'),
    't.lp:2: quadratic terms are not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    '2 x * y',
    L('Minimize', ' 2 x * y', 'End'),
    't.lp:2: quadratic terms are not supported: the farm solves linear and mixed-integer models only',
  ],
  ['infinite coefficient', L('Minimize', ' 1e999 x', 'End'), 't.lp:2: expected a finite coefficient, got "1e999"'],
  [
    'sign then operator',
    L('Minimize', ' x + <= 3', 'End'),
    't.lp:2: expected a number or a variable after the sign, got "<="',
  ],
  [
    'objective then junk',
    L('Minimize', ' x 3', 'End'),
    't.lp:2: expected a term of the objective or a section keyword, got "3"',
  ],
  [
    'objective then operator',
    L('Minimize', ' x <= 3', 'End'),
    't.lp:2: expected a term of the objective or a section keyword, got "<="',
  ],
  [
    'constraint without variables',
    L('Minimize', ' x', 'Subject To', ' c: 3 >= 1', 'End'),
    't.lp:5: constraint "c" has no variables',
  ],
  [
    'constraint that is no expression',
    L('Minimize', ' x', 'Subject To', ' c: <= 1', 'End'),
    't.lp:4: expected a constraint (expression, operator, right-hand side), got "<="',
  ],
  [
    'constraint at the end of file',
    L('Minimize', ' x', 'Subject To', ' c:'),
    't.lp:4: expected a constraint (expression, operator, right-hand side), got the end of the file',
  ],
  [
    'ranged row with = ',
    L('Minimize', ' x', 'Subject To', ' r: 1 <= x = 3', 'End'),
    't.lp:4: ranged constraint "r": expected "lower <= expression <= upper" (or both >=)',
  ],
  [
    'ranged row with mixed ops',
    L('Minimize', ' x', 'Subject To', ' r: 1 <= x >= 3', 'End'),
    't.lp:4: ranged constraint "r": expected "lower <= expression <= upper" (or both >=)',
  ],
  [
    'bound value without operator',
    L('Minimize', ' x', 'Bounds', ' 3 x', 'End'),
    't.lp:4: expected <=, >= or = after the bound value, got "x"',
  ],
  [
    'bound without a variable',
    L('Minimize', ' x', 'Bounds', ' 3 <= 4', 'End'),
    't.lp:4: expected a variable name in Bounds, got "4"',
  ],
  [
    'bound without operator',
    L('Minimize', ' x', 'Bounds', ' x 4', 'End'),
    't.lp:4: expected <=, >=, = or "free" after "x" in Bounds, got "4"',
  ],
  [
    'bound without a value',
    L('Minimize', ' x', 'Bounds', ' x <= y', 'End'),
    't.lp:4: expected a bound value for "x", got "y"',
  ],
  [
    'negative upper bound',
    L('Minimize', ' x', 'Bounds', ' x <= -2', ' y >= -1', ' y <= -3', ' -5 <= z <= -1', 'End'),
    [
      '(no name) min obj 1 0 0 + 0',
      'var x [0, -2]',
      'var y [-1, -3]',
      'var z [-5, -1]',
      'warning t.lp:4: "x" has a negative upper bound and the default lower bound 0: it cannot be feasible unless a lower bound is given',
    ],
  ],
  ['general with a number', L('Minimize', ' x', 'General', ' x 3', 'End'), 't.lp:4: expected a variable name, got "3"'],
  [
    'name too long',
    L('Minimize', ` ${'x'.repeat(256)}`, 'End'),
    't.lp:2: a name longer than 255 characters: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…"',
  ],
  [
    'control character',
    L('Minimize', ' x\u0001y', 'End'),
    't.lp:2: unexpected control character in "x\\u0001y": expected a name',
  ],
  [
    'lazy constraints',
    L('Minimize', ' x', 'Lazy Constraints', ' c: x >= 1', 'End'),
    't.lp:3: section "lazy constraints" (lazy constraints) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'user cuts',
    L('Minimize', ' x', 'User Cuts', ' c: x >= 1', 'End'),
    't.lp:3: section "user cuts" (user cuts) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'general constraints',
    L('Minimize', ' x', 'General Constraints', ' c: x >= 1', 'End'),
    't.lp:4: expected a variable name, got ":"',
  ],
  [
    'pwl',
    L('Minimize', ' x', 'PWL', 'End'),
    't.lp:3: section "pwl" (piecewise-linear terms) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'a constraint called sos',
    L('Minimize', ' x', 'Subject To', ' sos: x >= 1', 'End'),
    't.lp:4: section "sos" (special ordered sets) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'semi continuous (two words)',
    L('Minimize', ' x', 'Semi Continuous', ' x', 'End'),
    't.lp:3: section "semi continuous" (semi-continuous variables) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'semis',
    L('Minimize', ' x', 'semis', ' x', 'End'),
    't.lp:3: section "semis" (semi-continuous variables) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'multi-objectives',
    L('Minimize', ' x', 'multi-objectives', 'End'),
    't.lp:3: section "multi-objectives" (multiple objectives) is not supported: the farm solves linear and mixed-integer models only',
  ],
  [
    'numeric labels, dotted names, keywords as labels and names',
    L(
      'MAXIMUM',
      ' obj: 2 x + 3 ...100 - 4',
      'such that',
      ' 001: x + ...100 <= 4',
      ' bounds: x + free >= 1',
      ' end: x - y = 0',
      'st',
      ' free + x <= 9',
      'bound',
      ' x free',
      ' 0 <= free <= 3',
      'gen',
      ' y',
      'bin',
      ' z',
      'END',
    ),
    [
      '(no name) max obj 2 3 0 0 0 + -4',
      'var x [-inf, inf]',
      'var ...100 [0, inf]',
      'var free [0, 3]',
      'var y [0, inf] int',
      'var z [0, 1] int',
      'row 001 [-inf, 4] 1*0 1*1',
      'row bounds [1, inf] 1*0 1*2',
      'row end [0, 0] 1*0 -1*3',
      'row R1 [-inf, 9] 1*2 1*0',
    ],
  ],
  [
    'keywords with expressions on the same line, comments',
    L('min obj: x + y \\ the cost', 'subject to c1: x + y >= 2 \\ demand', 'bounds x <= 3', 'integers y', 'end'),
    ['(no name) min obj 1 1 + 0', 'var x [0, 3]', 'var y [0, inf] int', 'row c1 [2, inf] 1*0 1*1'],
  ],
  [
    'minimise/maximise spellings, st., s.t., binaries',
    L('minimise', ' x', 's.t.', ' x >= 1', 'binaries', ' x', 'end'),
    ['(no name) min obj 1 + 0', 'var x [0, 1] int', 'row R1 [1, inf] 1*0'],
  ],
  [
    'st.',
    L('maximise', ' x', 'st.', ' x <= 1', 'end'),
    ['(no name) max obj 1 + 0', 'var x [0, inf]', 'row R1 [-inf, 1] 1*0'],
  ],
  [
    'signs, coefficients and constants',
    L(
      'Minimize',
      ' - - 2 x + + 3 - y + 2.5e1 - .5 z + 0 w',
      'Subject To',
      ' c: - 3 + x - 2 x + 1e30 y >= - 1e30',
      ' d: -5 <= x + y <= +infinity',
      ' f: x + y >= -inf',
      ' e: 2 >= x >= -1',
      'End',
    ),
    [
      '(no name) min obj 2 -1 -0.5 0 + 28',
      'var x [0, inf]',
      'var y [0, inf]',
      'var z [0, inf]',
      'var w [0, inf]',
      'row c [-inf, inf] -1*0 1e+30*1',
      'row d [-5, inf] 1*0 1*1',
      'row f [-inf, inf] 1*0 1*1',
      'row e [-1, 2] 1*0',
    ],
  ],
  [
    'CRLF and CR line ends',
    'Minimize\r\n x\r Subject To\r\n c: x >= 1\rEnd\r\n',
    ['(no name) min obj 1 + 0', 'var x [0, inf]', 'row c [1, inf] 1*0'],
  ],
  ['text after End', L('Minimize', ' x', 'End', 'anything at all'), ['(no name) min obj 1 + 0', 'var x [0, inf]']],
  [
    'bounds with infinities',
    L(
      'Minimize',
      ' x + y + z',
      'Bounds',
      ' x >= -inf',
      ' y <= INF',
      ' -infinity <= z <= 1e30',
      ' w = -3',
      ' x >= -1e31',
      'End',
    ),
    ['(no name) min obj 1 1 1 0 + 0', 'var x [-inf, inf]', 'var y [0, inf]', 'var z [-inf, inf]', 'var w [-3, -3]'],
  ],
  [
    'empty constraint section, bound on a new variable',
    L('Minimize', ' x', 'Subject To', 'Bounds', ' q <= 3', 'End'),
    ['(no name) min obj 1 0 + 0', 'var x [0, inf]', 'var q [0, 3]'],
  ],
  ['label then nothing in objective', L('Minimize', ' cost:', 'End'), ['(no name) min cost  + 0']],
  [
    'number label in the objective is not a label',
    L('Minimize', ' 3: x', 'End'),
    't.lp:2: expected a term of the objective or a section keyword, got ":"',
  ],
];

describe('CPLEX LP reader messages and quirks', () => {
  it.each(LP)('%s', (_name, text, expected) => {
    expect(outcome(() => readLp(text, { file: 't.lp' }))).toEqual(expected);
  });

  it('reads any white space as a separator (a BOM or a no-break space used to hang the tokenizer)', () => {
    const text = '\ufeff\\ saved by an editor that writes a BOM\nMinimize\n x\u00a0+\u2003y\nEnd';
    expect(outcome(() => readLp(text, { file: 't.lp' }))).toEqual([
      '(no name) min obj 1 1 + 0',
      'var x [0, inf]',
      'var y [0, inf]',
    ]);
  });
});
