/**
 * No import circles: none between files (type-only imports included), and none between the
 * rooms of solver/ (farm, journal, formats …) and the shells, except the few listed below,
 * each waiting for its room's owner to remove it. biome.json says which room may import which;
 * this test catches what a per-folder rule cannot: a circle.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgesBetween, findCycles, type ImportGraph, readImportGraph, roomGraph } from './import-graph.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * File imports that still close a circle between two rooms. Each is debt: the test fails when
 * one is gone (take it off the list) and when a new one appears (do not add to it lightly).
 */
const KNOWN_ROOM_CIRCLES: readonly string[] = [];

function without(graph: ImportGraph, edges: readonly string[]): ImportGraph {
  const out: ImportGraph = new Map([...graph].map(([file, targets]) => [file, new Set(targets)]));
  for (const edge of edges) {
    const [from, to] = edge.split(' → ');
    out.get(from as string)?.delete(to as string);
  }
  return out;
}

function describeRoomCycles(graph: ImportGraph): string[] {
  return findCycles(roomGraph(graph)).map((cycle) => {
    const edges = cycle.slice(0, -1).flatMap((room, i) => edgesBetween(graph, room, cycle[i + 1] as string));
    return `${cycle.join(' → ')}\n    ${edges.join('\n    ')}`;
  });
}

describe('the import graph', () => {
  const graph = readImportGraph(ROOT);

  it('is read from the sources: the Farm imports its Run, the renderer imports api.ts', () => {
    expect(graph.get('solver/farm/farm.ts')).toContain('solver/farm/run.ts');
    expect(graph.get('solver/cli/run-command.ts')).toContain('solver/journal/farm-recording.ts'); // import('…')
    expect([...graph.keys()].some((f) => f.startsWith('renderer/src/'))).toBe(true);
  });

  it('has no circle between files', () => {
    expect(findCycles(graph).map((cycle) => cycle.join(' → '))).toEqual([]);
  });

  it('has no circle between rooms but the known ones', () => {
    expect(describeRoomCycles(without(graph, KNOWN_ROOM_CIRCLES))).toEqual([]);
  });

  it('still has every known one (a removed circle comes off the list)', () => {
    const present = KNOWN_ROOM_CIRCLES.filter((edge) => {
      const [from, to] = edge.split(' → ');
      return graph.get(from as string)?.has(to as string) === true;
    });
    expect(present).toEqual(KNOWN_ROOM_CIRCLES);
  });

  it('finds a circle made on purpose, between files and between rooms', () => {
    // The farm importing the journal back would close farm → journal → farm.
    const bent = readImportGraph(
      ROOT,
      new Map([
        ['solver/farm/job.ts', "import { readRunJob } from '../journal/run-dir.ts';\nexport { readRunJob };\n"],
      ]),
    );
    expect(describeRoomCycles(without(bent, KNOWN_ROOM_CIRCLES)).join('\n')).toContain(
      'solver/farm/job.ts → solver/journal/run-dir.ts',
    );
    const loop = readImportGraph(
      ROOT,
      new Map([
        ['solver/farm/plan-check.ts', "import type { LoadedJob } from './job.ts';\nexport type { LoadedJob };\n"],
      ]),
    );
    expect(findCycles(loop).map((c) => c.join(' → '))).toEqual([
      'solver/farm/job.ts → solver/farm/plan-check.ts → solver/farm/job.ts',
    ]);
  });
});
