/**
 * How many solver processes one farm may start on this machine. A leaf (node:os only), so the
 * CLI can check `--cores` before it loads the farm.
 */
import { availableParallelism } from 'node:os';

/** The command line's own limit on --cores. */
export const MAX_CORES = 1024;

/**
 * Most solver processes one run may start: the CLI's limit, and never more than 4 per core of
 * this machine (each is a Node process of ~50 MB; past that they only share the same cores).
 */
export function maxCores(): number {
  return Math.min(MAX_CORES, 4 * availableParallelism());
}

/** Why `n` solver processes are too many here, in words, or null when they are not. */
export function tooManyCores(n: number): string | null {
  const max = maxCores();
  return n > max ? `at most ${max}: 4 per core, ${availableParallelism()} cores` : null;
}
