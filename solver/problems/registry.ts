/**
 * Every job kind by name: the farm looks the job's `kind` up here on the main side, and
 * each solver process looks up the same name at `setup`.
 */
import { batch } from './batch.ts';
import { custom } from './custom.ts';
import { race } from './race.ts';
import { sweep } from './sweep.ts';
import { tsp } from './tsp.ts';
import type { AnyProblemKind } from './types.ts';

/** Job kinds by name. */
export const kinds: ReadonlyMap<string, AnyProblemKind> = new Map<string, AnyProblemKind>([
  ['sweep', sweep],
  ['tsp', tsp],
  ['batch', batch],
  ['race', race],
  ['custom', custom],
]);
