/** IPC and WebSocket channel names of FarmApi, one prefix (DESIGN 'Conventions' 1). */
import type { FarmVerb } from './api.ts';

export const CHANNELS = {
  start: 'farm:start',
  terminate: 'farm:terminate',
  status: 'farm:status',
  examples: 'farm:examples',
  runs: 'farm:runs',
  openRun: 'farm:open-run',
  resume: 'farm:resume',
  inspectModel: 'farm:inspect-model',
  preview: 'farm:preview',
  events: 'farm:events',
} as const satisfies Record<FarmVerb | 'events', `farm:${string}`>;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];
