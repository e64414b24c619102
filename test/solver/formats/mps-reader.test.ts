import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FormatError } from '../../../solver/formats/format-error.ts';
import { readMps } from '../../../solver/formats/mps-reader.ts';
import { readModelFile } from '../../../solver/formats/read-model.ts';

const INF = Number.POSITIVE_INFINITY;

/** A small model exercising every row type, so RANGES and BOUNDS can be checked on it. */
function mps(extra: { rhs?: string; ranges?: string; bounds?: string; head?: string } = {}): string {
  return [
    'NAME          TEST',
    extra.head ?? '',
    'ROWS',
    ' N  COST',
    ' L  LIM1',
    ' G  LIM2',
    ' E  EQ1',
    ' E  EQ2',
    'COLUMNS',
    '    X         COST         1.0   LIM1         1.0',
    '    X         LIM2         1.0   EQ1          1.0',
    '    Y         COST         2.0   LIM1         1.0',
    '    Y         EQ2          1.0',
    'RHS',
    extra.rhs ?? '    RHS       LIM1         4.0   LIM2         1.0\n    RHS       EQ1          2.0   EQ2          3.0',
    extra.ranges !== undefined ? `RANGES\n${extra.ranges}` : '',
    extra.bounds !== undefined ? `BOUNDS\n${extra.bounds}` : '',
    'ENDATA',
  ]
    .filter((l) => l !== '')
    .join('\n');
}

function row(text: string, name: string) {
  const r = readMps(text).rows.find((x) => x.name === name);
  if (!r) throw new Error(`no row ${name}`);
  return [r.lb, r.ub];
}

describe('MPS reader', () => {
  it('reads rows, columns, RHS and the default bounds', () => {
    const m = readMps(mps(), { file: 't.mps' });
    expect(m.name).toBe('TEST');
    expect(m.sense).toBe('min');
    expect(m.objectiveName).toBe('COST');
    expect(m.variables.map((v) => [v.name, v.lb, v.ub, v.integer])).toEqual([
      ['X', 0, INF, false],
      ['Y', 0, INF, false],
    ]);
    expect(m.objective).toEqual([1, 2]);
    expect(m.rows.map((r) => [r.name, r.lb, r.ub, r.cols, r.coefs])).toEqual([
      ['LIM1', -INF, 4, [0, 1], [1, 1]],
      ['LIM2', 1, INF, [0], [1]],
      ['EQ1', 2, 2, [0], [1]],
      ['EQ2', 3, 3, [1], [1]],
    ]);
  });

  it('applies RANGES with the standard sign rules for L, G and E rows', () => {
    const text = mps({
      ranges: [
        '    RNG       LIM1         -3.0   LIM2         2.5', // L: [rhs-|R|, rhs], G: [rhs, rhs+|R|]
        '    RNG       EQ1          5.0   EQ2          -1.5', // E: R>0 [rhs, rhs+R]; R<0 [rhs+R, rhs]
      ].join('\n'),
    });
    expect(row(text, 'LIM1')).toEqual([1, 4]);
    expect(row(text, 'LIM2')).toEqual([1, 3.5]);
    expect(row(text, 'EQ1')).toEqual([2, 7]);
    expect(row(text, 'EQ2')).toEqual([1.5, 3]);
  });

  it('applies a range given before the RHS of its row', () => {
    const text = mps({ rhs: '    RHS       LIM1         4.0', ranges: '    RNG       LIM1         3.0' }).replace(
      /RHS\n(.*)\nRANGES\n(.*)\n/,
      'RANGES\n$2\nRHS\n$1\n',
    );
    expect(row(text, 'LIM1')).toEqual([1, 4]);
  });

  it('reads every bound type', () => {
    const bounds = (b: string) => readMps(mps({ bounds: b })).variables.map((v) => [v.lb, v.ub, v.integer]);
    expect(bounds(' UP BND       X            4.0\n LO BND       Y           -1.0')).toEqual([
      [0, 4, false],
      [-1, INF, false],
    ]);
    expect(bounds(' FX BND       X            2.5\n FR BND       Y')).toEqual([
      [2.5, 2.5, false],
      [-INF, INF, false],
    ]);
    expect(bounds(' MI BND       X\n UP BND       X            3\n PL BND       Y')).toEqual([
      [-INF, 3, false],
      [0, INF, false],
    ]);
    expect(bounds(' BV BND       X\n LI BND       Y            2\n UI BND       Y            9')).toEqual([
      [0, 1, true],
      [2, 9, true],
    ]);
    // Without a bound-set name (free MPS style).
    expect(bounds(' UP X 4\n FR Y')).toEqual([
      [0, 4, false],
      [-INF, INF, false],
    ]);
  });

  it('turns a negative UP bound with lower bound 0 into lower bound -inf, with a warning', () => {
    const m = readMps(mps({ bounds: ' UP BND       X           -2.0' }), { file: 'neg.mps' });
    expect([m.variables[0]?.lb, m.variables[0]?.ub]).toEqual([-INF, -2]);
    expect(m.warnings.join('\n')).toMatch(/neg\.mps:\d+: column "X" has a negative upper bound.*-infinity/);
    // An explicit lower bound is kept.
    const k = readMps(mps({ bounds: ' LO BND       X           -5.0\n UP BND       X           -2.0' }));
    expect([k.variables[0]?.lb, k.variables[0]?.ub]).toEqual([-5, -2]);
  });

  it('reads integer markers', () => {
    const text = [
      'NAME M',
      'ROWS',
      ' N obj',
      ' L c',
      'COLUMNS',
      "    MARKER                 'MARKER'                 'INTORG'",
      '    a  obj  1  c  1',
      "    MARKER                 'MARKER'                 'INTEND'",
      '    b  obj  1  c  1',
      'RHS',
      '    rhs c 3',
      'ENDATA',
    ].join('\n');
    const m = readMps(text);
    // glpsol and HiGHS read a marker integer that no BOUNDS line names as binary.
    expect(m.variables.map((v) => [v.name, v.integer, v.ub])).toEqual([
      ['a', true, 1],
      ['b', false, INF],
    ]);
    expect(m.warnings.join()).toMatch(/1 integer column\(s\) without bounds read as binary/);
    const bounded = readMps(text.replace('ENDATA', 'BOUNDS\n PL bnd a\nENDATA'));
    expect(bounded.variables[0]?.ub).toBe(INF);
  });

  it('reads OBJSENSE on the same line and on the next line, and OBJSENSE MAX sections', () => {
    expect(readMps(mps({ head: 'OBJSENSE MAX' })).sense).toBe('max');
    expect(readMps(mps({ head: 'OBJSENSE\n    MAX' })).sense).toBe('max');
    expect(readMps(mps({ head: 'OBJSENSE\n    MAXIMIZE' })).sense).toBe('max');
    expect(readMps(mps({ head: 'OBJSENSE    MINIMIZE' })).sense).toBe('min');
    expect(() => readMps(mps({ head: 'OBJSENSE\n    SIDEWAYS' }), { file: 's.mps' })).toThrow(
      /s\.mps:3: expected MIN or MAX after OBJSENSE, got "SIDEWAYS"/,
    );
  });

  it('reads an RHS on the objective row as the objective constant (glpsol/CBC), or negated on request', () => {
    const text = mps({ rhs: '    RHS       COST        -7.5   LIM1         4.0' });
    expect(readMps(text).objectiveConstant).toBe(-7.5);
    expect(readMps(text, { objectiveRhs: 'negated' }).objectiveConstant).toBe(7.5);
  });

  it('reads fixed-format names with spaces by column positions', () => {
    // Fields start in columns 2, 5, 15, 25, 40, 50 (1-based).
    const fixed = (...f: string[]) => {
      const starts = [1, 4, 14, 24, 39, 49];
      let line = '';
      f.forEach((x, k) => {
        line = line.padEnd(starts[k] ?? 0) + x;
      });
      return line;
    };
    const text = [
      'NAME          FIXED',
      'ROWS',
      fixed('N', 'COST'),
      fixed('L', 'MY ROW'),
      'COLUMNS',
      fixed('', 'X ONE', 'COST', '1.', 'MY ROW', '1.'),
      fixed('', 'Y TWO', 'COST', '2.', 'MY ROW', '1.'),
      'RHS',
      fixed('', 'RHS', 'MY ROW', '4.'),
      'BOUNDS',
      fixed('UP', 'BND', 'X ONE', '3.'),
      'ENDATA',
    ].join('\n');
    const m = readMps(text);
    expect(m.variables.map((v) => [v.name, v.ub])).toEqual([
      ['X ONE', 3],
      ['Y TWO', INF],
    ]);
    expect(m.rows[0]?.name).toBe('MY ROW');
    expect(m.rows[0]?.ub).toBe(4);
    expect(() => readMps(text, { format: 'free' })).toThrow(FormatError);
  });

  it('drops extra N rows with a warning', () => {
    const text = mps()
      .replace(' N  COST', ' N  COST\n N  OTHER')
      .replace('    Y         EQ2', '    Y         OTHER        9.0   EQ2');
    const m = readMps(text);
    expect(m.rows.map((r) => r.name)).toEqual(['LIM1', 'LIM2', 'EQ1', 'EQ2']);
    expect(m.warnings.join()).toMatch(/free \(N\) row/);
  });

  it.each([
    [
      'SC bound',
      mps({ bounds: ' SC BND       X            4.0' }),
      /:\d+: SC \(semi-continuous\) bounds are not supported/,
    ],
    [
      'QUADOBJ',
      mps().replace('ENDATA', 'QUADOBJ\n    X X 1\nENDATA'),
      /section QUADOBJ \(a quadratic objective\) is not supported/,
    ],
    ['QMATRIX', mps().replace('ENDATA', 'QMATRIX\n    X X 1\nENDATA'), /section QMATRIX/],
    [
      'QCMATRIX',
      mps().replace('ENDATA', 'QCMATRIX   LIM1\n    X X 1\nENDATA'),
      /section QCMATRIX \(quadratic constraints\)/,
    ],
    ['SOS', mps().replace('ENDATA', 'SOS\n S1 SOS\nENDATA'), /section SOS \(special ordered sets\)/],
    ['INDICATORS', mps().replace('ENDATA', 'INDICATORS\n IF LIM1 X 1\nENDATA'), /section INDICATORS/],
  ])('refuses %s with a clear message', (_name, text, message) => {
    expect(() => readMps(text, { file: 'q.mps' })).toThrow(message);
  });

  it.each([
    ['a missing ENDATA', mps().replace('ENDATA', ''), /t\.mps:\d+: the file ends without ENDATA/],
    [
      'an unknown row',
      mps().replace('    Y         EQ2', '    Y         NOPE'),
      /t\.mps:12: column "Y" refers to row "NOPE", which ROWS does not define/,
    ],
    [
      'a bad number',
      mps().replace('2.0   LIM1', 'two   LIM1'),
      /t\.mps:11: expected a coefficient for row "COST", got "two"/,
    ],
    ['a bad row type', mps().replace(' G  LIM2', ' X  LIM2'), /t\.mps:5: expected a row type N, L, G or E, got "X"/],
    ['an unknown section', mps().replace('RHS', 'WHATEVER'), /t\.mps:\d+: expected a section name/],
    [
      'a duplicate entry',
      mps().replace('    Y         EQ2          1.0', '    Y         EQ2          1.0   EQ2  2'),
      /duplicate entry for column "Y" in row "EQ2"/,
    ],
    ['an unknown bound column', mps({ bounds: ' UP BND       Z            4.0' }), /BOUNDS refers to column "Z"/],
  ])('reports %s with the file and line', (_name, text, message) => {
    const err = (() => {
      try {
        readMps(text, { file: 't.mps' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(FormatError);
    expect((err as FormatError).file).toBe('t.mps');
    expect((err as Error).message).toMatch(message);
  });

  describe('files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mps-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reads .mps.gz transparently and names the model after the file when NAME is empty', () => {
      const path = join(dir, 'small.mps.gz');
      writeFileSync(path, gzipSync(mps().replace('NAME          TEST', 'NAME')));
      const m = readModelFile(path);
      expect(m.name).toBe('small');
      expect(m.rows).toHaveLength(4);
    });

    it('reports a corrupt .gz and a missing file as FormatErrors naming the file', () => {
      const path = join(dir, 'bad.mps.gz');
      writeFileSync(path, 'not gzip');
      expect(() => readModelFile(path)).toThrow(/bad\.mps\.gz: is not a valid gzip file/);
      expect(() => readModelFile(join(dir, 'none.mps'))).toThrow(/none\.mps: no such file/);
      expect(() => readModelFile(join(dir, 'x.txt'))).toThrow(/expected a file ending in \.lp, \.mps/);
    });
  });
});
