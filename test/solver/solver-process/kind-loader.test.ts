import { describe, expect, it } from 'vitest';
import { kinds } from '../../../solver/problems/registry.ts';
import { kindNames, loadKind } from '../../../solver/solver-process/kind-loader.ts';

describe('the solver-side kind loader', () => {
  it('loads exactly the kinds of the registry, as the same objects', async () => {
    expect([...kindNames].sort()).toEqual([...kinds.keys()].sort());
    for (const [name, kind] of kinds) expect(await loadKind(name)).toBe(kind);
  });

  it('knows no other names', async () => {
    expect(await loadKind('nope')).toBeUndefined();
    expect(await loadKind('toString')).toBeUndefined();
  });
});
