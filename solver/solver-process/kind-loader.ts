/**
 * Job kinds for a solver process, loaded on demand at `setup`. The main side imports the
 * whole registry (it parses every kind); a solver needs one kind, and importing them all
 * (GLPK, HiGHS, the model readers) would add ~0.3 s to every process start, which a
 * replacement after a crash pays again. test/solver/solver-process/kind-loader.test.ts keeps this
 * list equal to solver/problems/registry.ts.
 */
import type { AnyProblemKind } from '../problems/types.ts';

type KindModule = { default: AnyProblemKind };

const loaders: Record<string, () => Promise<KindModule>> = {
  sweep: () => import('../problems/sweep.ts'),
  tsp: () => import('../problems/tsp.ts'),
  batch: () => import('../problems/batch.ts'),
  custom: () => import('../problems/custom.ts'),
  race: () => import('../problems/race.ts'),
};

/** Names of the kinds a solver can load. */
export const kindNames: readonly string[] = Object.keys(loaders);

/** Load a kind by name; undefined when there is no such kind. */
export async function loadKind(name: string): Promise<AnyProblemKind | undefined> {
  const load = Object.hasOwn(loaders, name) ? loaders[name] : undefined;
  return load ? (await load()).default : undefined;
}
