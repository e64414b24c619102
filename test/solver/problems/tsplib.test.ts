/** TSPLIB reader and distance functions, against TSPLIB's published numbers. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { neighbourLists, TourSearch } from '../../../solver/problems/tsp/local-search.ts';
import { mulberry32 } from '../../../solver/problems/tsp/rng.ts';
import type { TspInstance } from '../../../solver/problems/tsplib.ts';
import {
  distanceFunction,
  distanceMatrix,
  nint,
  parseTour,
  parseTsplib,
  readTsplib,
  TsplibError,
  tourLength,
} from '../../../solver/problems/tsplib.ts';

// test/solver/problems/ → /work/main → /work/shared
const shared = new URL('../../../../shared/tsplib/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('reference.json', shared), 'utf8')) as {
  optimal_length: Record<string, number>;
};

function coords(type: string, points: [number, number][]): TspInstance {
  const body = points.map((p, i) => `${i + 1} ${p[0]} ${p[1]}`).join('\n');
  return parseTsplib(
    `NAME : t\nTYPE : TSP\nDIMENSION : ${points.length}\nEDGE_WEIGHT_TYPE : ${type}\nNODE_COORD_SECTION\n${body}\nEOF\n`,
    't.tsp',
  );
}

function readError(text: string): TsplibError {
  try {
    parseTsplib(text, 'bad.tsp');
  } catch (err) {
    expect(err).toBeInstanceOf(TsplibError);
    return err as TsplibError;
  }
  throw new Error('expected a TsplibError');
}

describe('distances', () => {
  it('nint rounds halves up', () => {
    expect(nint(2.5)).toBe(3);
    expect(nint(2.4999999)).toBe(2);
    expect(nint(0.5)).toBe(1);
    expect(nint(7)).toBe(7);
  });

  it('EUC_2D rounds to the nearest integer, CEIL_2D rounds up', () => {
    const pts: [number, number][] = [
      [0, 0],
      [3, 4],
      [1, 1],
      [1.5, 2],
    ];
    const euc = distanceFunction(coords('EUC_2D', pts));
    expect(euc(0, 1)).toBe(5);
    expect(euc(0, 2)).toBe(1); // √2 = 1.414…
    expect(euc(0, 3)).toBe(3); // 2.5 → 3
    const ceil = distanceFunction(coords('CEIL_2D', pts));
    expect(ceil(0, 1)).toBe(5);
    expect(ceil(0, 2)).toBe(2);
  });

  it('ATT is the pseudo-Euclidean distance rounded up', () => {
    // r = √((10² + 0²) / 10) = √10 = 3.16…: nint gives 3 < r, so 4.
    const att = distanceFunction(
      coords('ATT', [
        [0, 0],
        [10, 0],
        [0, 30],
      ]),
    );
    expect(att(0, 1)).toBe(4);
    // r = √(900 / 10) = √90 = 9.486…: nint gives 9 < r, so 10.
    expect(att(0, 2)).toBe(10);
  });

  it('GEO: burma14 (TSPLIB, GEO) has optimal length 3323 under our distances', () => {
    const fixture = fileURLToPath(new URL('./fixtures/burma14.tsp', import.meta.url));
    const inst = readTsplib(fixture, 'burma14.tsp');
    expect(inst.type).toBe('GEO');
    const n = inst.dimension;
    const d = distanceMatrix(inst);
    const s = new TourSearch(d, n, neighbourLists(d, n, 10), 10);
    s.load(s.nearestNeighbour(0));
    s.ils(performance.now() + 300, mulberry32(1));
    // 3323 is TSPLIB's published optimum: reaching it exactly (not less) checks the formula.
    expect(s.bestLen).toBe(3323);
  });

  it('the optimal berlin52 tour has length 7542 (TSPLIB), and every shared instance parses', () => {
    const inst = readTsplib(fileURLToPath(new URL('berlin52.tsp', shared)), 'berlin52.tsp');
    expect(inst.dimension).toBe(52);
    const tour = parseTour(readFileSync(new URL('berlin52.opt.tour', shared), 'utf8'), 'berlin52.opt.tour');
    expect(new Set(tour).size).toBe(52);
    expect(tourLength(distanceMatrix(inst), 52, tour)).toBe(reference.optimal_length.berlin52);
    for (const name of Object.keys(reference.optimal_length)) {
      const i = readTsplib(fileURLToPath(new URL(`${name}.tsp`, shared)), `${name}.tsp`);
      expect(i.points?.length).toBe(i.dimension);
    }
  });

  it('the examples copy of berlin52 is the same instance', () => {
    const a = readFileSync(new URL('../../../examples/berlin52.tsp', import.meta.url), 'utf8');
    const b = readFileSync(new URL('berlin52.tsp', shared), 'utf8');
    expect(a).toBe(b);
  });
});

describe('EXPLICIT weights', () => {
  // The 4-city matrix   0 1 2 3 / 1 0 4 5 / 2 4 0 6 / 3 5 6 0   in every format.
  const full = [0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0];
  const forms: Record<string, string> = {
    FULL_MATRIX: '0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0',
    UPPER_ROW: '1 2 3\n4 5\n6',
    LOWER_ROW: '1\n2 4\n3 5 6',
    UPPER_DIAG_ROW: '0 1 2 3\n0 4 5\n0 6\n0',
    LOWER_DIAG_ROW: '0\n1 0\n2 4 0\n3 5 6 0',
  };
  for (const [format, body] of Object.entries(forms)) {
    it(format, () => {
      const inst = parseTsplib(
        `NAME: m\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: ${format}\nEDGE_WEIGHT_SECTION\n${body}\nEOF\n`,
        'm.tsp',
      );
      expect(Array.from(distanceMatrix(inst))).toEqual(full);
      expect(inst.points).toBeNull();
    });
  }
});

describe('located reader errors', () => {
  const head = 'NAME: x\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n';

  it('names the file and line of a bad coordinate line', () => {
    const err = readError(`${head}1 0 0\n2 1 one\n3 2 2\nEOF\n`);
    expect(err.message).toMatch(/^bad\.tsp:7: expected "<node> <x> <y>" in NODE_COORD_SECTION, got "2 1 one"/);
    expect(err.line).toBe(7);
    expect(err.file).toBe('bad.tsp');
  });

  it('names a node out of range, a repeated node and a missing node', () => {
    expect(readError(`${head}1 0 0\n4 1 1\n3 2 2\n`).message).toMatch(
      /^bad\.tsp:7: expected a node number from 1 to 3/,
    );
    expect(readError(`${head}1 0 0\n1 1 1\n3 2 2\n`).message).toMatch(
      /^bad\.tsp:7: node 1 is given twice \(first on line 6\)/,
    );
    expect(readError(`${head}1 0 0\n3 2 2\nEOF\n`).message).toMatch(
      /^bad\.tsp:5: NODE_COORD_SECTION has 2 of 3 nodes \(node 2 is missing\)/,
    );
  });

  it('names unsupported types and sections', () => {
    expect(readError('NAME: x\nTYPE: ATSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\n').message).toMatch(
      /^bad\.tsp:2: expected TYPE : TSP/,
    );
    expect(readError('NAME: x\nTYPE: TSP\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_3D\n').message).toMatch(
      /^bad\.tsp:4: expected EDGE_WEIGHT_TYPE to be one of/,
    );
    expect(readError(`NAME: x\nTYPE: TSP\nDIMENSION: 3\nFIXED_EDGES_SECTION\n`).message).toMatch(
      /^bad\.tsp:4: FIXED_EDGES_SECTION is not supported/,
    );
    expect(readError('NAME: x\nDIMENSION: three\n').message).toMatch(
      /^bad\.tsp:2: expected DIMENSION to be a positive integer/,
    );
  });

  it('names a short EDGE_WEIGHT_SECTION', () => {
    const err = readError(
      'NAME: m\nTYPE: TSP\nDIMENSION: 4\nEDGE_WEIGHT_TYPE: EXPLICIT\nEDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n1 2 3\n4 5\nEOF\n',
    );
    expect(err.message).toMatch(
      /^bad\.tsp:6: EDGE_WEIGHT_SECTION \(UPPER_ROW\) for DIMENSION 4 needs 6 numbers, got 5/,
    );
  });

  it('names a bad tour line', () => {
    expect(() => parseTour('TOUR_SECTION\n1\n2\nx\n-1\n', 'a.tour')).toThrow(
      /^a\.tour:4: expected a node number or -1/,
    );
  });
});

describe('a DIMENSION the file cannot describe', () => {
  it('is refused before anything is sized by it (DIMENSION 1e9 ran serve out of memory)', () => {
    const text =
      'NAME: huge\nTYPE: TSP\nDIMENSION: 1000000000\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\nEOF\n';
    expect(() => parseTsplib(text, 'huge.tsp')).toThrow(
      /huge\.tsp:3: expected a DIMENSION this file can describe \(at most \d+ for its \d+ characters\), got 1000000000/,
    );
  });
});
