/**
 * The FarmApi verbs by name and their IPC channels, one prefix (DESIGN 'Conventions' 1).
 * Plain data with type-only imports: the sandboxed preload bundles this file and may require
 * nothing but 'electron'.
 */
import type { FarmVerb } from './api.ts';

/**
 * The channel of each request/response verb. Also the one runtime list of the verbs, which
 * the preload turns into `window.farm` and the main process into handlers: the compiler
 * refuses a verb FarmApi lacks and a verb it has that is missing here.
 */
const VERB_CHANNELS = {
  start: 'farm:start',
  terminate: 'farm:terminate',
  status: 'farm:status',
  examples: 'farm:examples',
  runs: 'farm:runs',
  openRun: 'farm:open-run',
  resume: 'farm:resume',
  inspectModel: 'farm:inspect-model',
  preview: 'farm:preview',
} as const satisfies Record<FarmVerb, `farm:${string}`>;

export const CHANNELS = { ...VERB_CHANNELS, events: 'farm:events' } as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/** FarmApi's request/response verbs (everything but subscribe), in the order of the contract. */
export const FARM_VERBS: readonly FarmVerb[] = Object.freeze(Object.keys(VERB_CHANNELS) as FarmVerb[]);
