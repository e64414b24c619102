/**
 * Drain a farm's active run (a SIGTERM to `serve`): ask it to stop gracefully (no new work,
 * running tasks finish and are recorded) and resolve once it has ended. The caller bounds
 * the wait with its grace and then closes the farm, which kills what is still running.
 */
import type { FarmApi, FarmEvent, RunState } from '../api.ts';

const FINAL: ReadonlySet<RunState> = new Set(['done', 'stopped', 'failed']);

/** Resolves once the farm has no active run. */
export async function drainFarm(farm: Pick<FarmApi, 'subscribe' | 'status' | 'terminate'>): Promise<void> {
  let unsubscribe = (): void => {};
  // Listening before asking, so the end cannot come between the two.
  const ended = new Promise<void>((resolve) => {
    unsubscribe = farm.subscribe((events: readonly FarmEvent[]) => {
      if (events.some((ev) => ev.type === 'run' && FINAL.has(ev.state))) resolve();
    });
  });
  try {
    const { state } = await farm.status();
    if (state === 'idle' || FINAL.has(state)) return;
    // A run the page already stops (`stopping`, `forcing`) is only waited for: a second
    // terminate() would be a force.
    if (state === 'starting' || state === 'running') await farm.terminate();
    await ended;
  } finally {
    unsubscribe();
  }
}
