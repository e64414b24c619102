import { describe, expect, it } from 'vitest';
import { FormatError } from '../../../solver/formats/format-error.ts';
import { readLp } from '../../../solver/formats/lp-reader.ts';
import { writeLp } from '../../../solver/formats/lp-writer.ts';
import type { LinearModel } from '../../../solver/formats/model.ts';
import { readMps } from '../../../solver/formats/mps-reader.ts';

const INF = Number.POSITIVE_INFINITY;

const WYNDOR = `\\ Wyndor glass (Hillier & Lieberman)
Maximize
 profit: 3 doors + 5 windows + 10
Subject To
 plant1: doors <= 4
 plant2: 2 windows <= 12
 plant3: 3 doors + 2 windows <= 18
Bounds
 doors >= 0
End
`;

function shape(m: LinearModel) {
  return {
    sense: m.sense,
    constant: m.objectiveConstant,
    objective: m.objective,
    variables: m.variables.map((v) => [v.name, v.lb, v.ub, v.integer]),
    rows: m.rows.map((r) => [r.name, r.lb, r.ub, r.cols, r.coefs]),
  };
}

describe('CPLEX LP reader', () => {
  it('reads objective, constant, constraints and bounds', () => {
    const m = readLp(WYNDOR, { file: 'wyndor.lp' });
    expect(shape(m)).toEqual({
      sense: 'max',
      constant: 10,
      objective: [3, 5],
      variables: [
        ['doors', 0, INF, false],
        ['windows', 0, INF, false],
      ],
      rows: [
        ['plant1', -INF, 4, [0], [1]],
        ['plant2', -INF, 12, [1], [2]],
        ['plant3', -INF, 18, [0, 1], [3, 2]],
      ],
    });
    expect(m.objectiveName).toBe('profit');
  });

  it('reads operator spellings, constants on the left, ranges, repeated variables and unnamed rows', () => {
    const m = readLp(
      [
        'minimize',
        ' x + y',
        'st',
        ' c1: x + 2 y + 3 >= 5',
        ' c2: x - y =< 4',
        ' -2 <= x - y <= 7',
        ' x + x + y = 3',
        ' c5: 3 x > 1',
        'end',
      ].join('\n'),
    );
    expect(m.rows.map((r) => [r.name, r.lb, r.ub, r.coefs])).toEqual([
      ['c1', 2, INF, [1, 2]],
      ['c2', -INF, 4, [1, -1]],
      ['R3', -2, 7, [1, -1]],
      ['R4', 3, 3, [2, 1]],
      ['c5', 1, INF, [3]],
    ]);
  });

  it('reads every bound form, generals and binaries', () => {
    const m = readLp(
      [
        'Minimize',
        ' obj: a + b + c + d + e + f + g',
        'Subject To',
        ' c: a + b + c + d + e + f + g >= 1',
        'Bounds',
        ' -inf <= a <= 5',
        ' b free',
        ' 2 <= c',
        ' d = 4',
        ' e >= -infinity',
        ' -3 <= f <= 3',
        ' c <= 1e30',
        'General',
        ' f',
        'Binaries',
        ' g',
        'End',
      ].join('\n'),
    );
    expect(m.variables.map((v) => [v.name, v.lb, v.ub, v.integer])).toEqual([
      ['a', -INF, 5, false],
      ['b', -INF, INF, false],
      ['c', 2, INF, false],
      ['d', 4, 4, false],
      ['e', -INF, INF, false],
      ['f', -3, 3, true],
      ['g', 0, 1, true],
    ]);
  });

  it.each([
    [
      'a quadratic objective',
      'Minimize\n obj: x + [ x ^ 2 ] / 2\nSubject To\n c: x >= 1\nEnd',
      /q\.lp:2: quadratic terms/,
    ],
    [
      'semi-continuous',
      'Minimize\n x\nSubject To\n c: x >= 1\nSemi-Continuous\n x\nEnd',
      /q\.lp:5: section "semi-continuous"/,
    ],
    [
      'SOS',
      'Minimize\n x\nSubject To\n c: x >= 1\nSOS\n s1: S1:: x:1\nEnd',
      /q\.lp:5: section "sos" \(special ordered sets\)/,
    ],
    ['a missing End', 'Minimize\n x\nSubject To\n c: x >= 1\n', /q\.lp:4: the file ends without End/],
    [
      'a missing operator',
      'Minimize\n x\nSubject To\n c: x 1\nEnd',
      /q\.lp:4: expected <=, >= or = after the expression of "c", got "1"/,
    ],
    [
      'a missing right-hand side',
      'Minimize\n x\nSubject To\n c: x >=\nEnd',
      /q\.lp:5: expected a right-hand side number for "c", got the keyword "end"/,
    ],
    ['no objective section', 'Subject To\n c: x >= 1\nEnd', /q\.lp:1: expected Minimize or Maximize at the start/],
    [
      'a duplicate row',
      'Minimize\n x\nSubject To\n c: x >= 1\n c: x <= 3\nEnd',
      /q\.lp:5: constraint "c" is defined twice/,
    ],
  ])('refuses %s with the file and line', (_name, text, message) => {
    expect(() => readLp(text, { file: 'q.lp' })).toThrow(FormatError);
    expect(() => readLp(text, { file: 'q.lp' })).toThrow(message);
  });
});

describe('CPLEX LP writer', () => {
  it('writes a model that reads back identically, ranges, constants and integers included', () => {
    const mps = readMps(
      [
        'NAME RT',
        'OBJSENSE MAX',
        'ROWS',
        ' N obj',
        ' L lim',
        ' E eq',
        ' G empty',
        'COLUMNS',
        "    MARKER 'MARKER' 'INTORG'",
        '    x obj 1.5 lim 1',
        "    MARKER 'MARKER' 'INTEND'",
        '    y obj -2 lim 1',
        '    y eq 1e-7',
        '    z obj 0.1',
        'RHS',
        '    rhs obj 4 lim 10',
        '    rhs eq 2',
        'RANGES',
        '    rng eq -3',
        'BOUNDS',
        ' UP bnd x 7',
        ' MI bnd y',
        ' FR bnd z',
        'ENDATA',
      ].join('\n'),
    );
    const text = writeLp(mps).text;
    expect(shape(readLp(text))).toEqual(shape(mps));
  });

  it('renames names CPLEX LP cannot carry, keeping them unique', () => {
    const m = readLp('Minimize\n a\nSubject To\n c: a >= 1\nEnd');
    const v = m.variables[0];
    if (v) v.name = '2 bad:name';
    const row = m.rows[0];
    if (row) row.name = 'free';
    const w = writeLp(m);
    expect(w.variableNames[0]).toMatch(/^x_/);
    expect(w.rowNames[0]).toMatch(/^r_/);
    expect(readLp(w.text).variables[0]?.name).toBe(w.variableNames[0]);
  });
});
