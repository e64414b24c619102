/**
 * Chaos: during a 2,000-task sweep a random working solver process is SIGKILLed every
 * 200 ms. The run must complete and its journal must hold every task's result exactly once.
 */
import { describe, expect, it } from 'vitest';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { recordInto } from '../../../solver/journal/farm-recording.ts';
import { readSummary } from '../../../solver/journal/run-dir.ts';
import { JOB_SOURCE, journalCounts, transportSweep } from './farm-helpers.ts';
import { sigkillOnce, trackForCleanup } from './helpers.ts';

const track = trackForCleanup();

describe('chaos: SIGKILL a random solver every 200 ms', () => {
  it('the 2,000-task sweep completes with every result in the journal exactly once', async () => {
    const tmp = track.tempDir('journal-chaos-');
    const total = 2000;
    // 16×16 transportation LPs (256 variables): about a millisecond per solve. Under chaos a
    // process works only between its start-up (~0.3–1 s: node + glpk.js) and the next kill,
    // so the sweep takes tens of seconds and sees dozens of kills (13–50 s, 58–220 kills here).
    const job = transportSweep(16, total);
    // Crash retries high enough that random kills never fail a task: the test is about
    // losing and duplicating nothing, not about the retry limit.
    const farm = track.farm(new Farm({ launcher: new NodeLauncher(), cores: 2, maxTaskRetries: 50 }));
    const info = await farm.start({ job, source: JOB_SOURCE }, { observe: recordInto({ root: tmp.dir }) });
    expect(info.dir).toBeDefined();
    const dir = info.dir as string;

    const killed = new Set<number>();
    const t0 = Date.now();
    const chaos = setInterval(() => {
      void farm.status().then((status) => {
        if (status.state !== 'running') return;
        // Only processes that are set up and working: killing one before it is ready twice
        // in a row retires its slot by design (the crash-loop guard), which is another test.
        const working = status.solvers.filter((s) => s.state === 'solving' && s.pid !== undefined);
        const victim = working[Math.floor(Math.random() * working.length)];
        if (victim?.pid !== undefined) sigkillOnce(victim.pid, killed);
      });
    }, 200);
    let state: string | null;
    try {
      state = await farm.finished();
    } finally {
      clearInterval(chaos);
    }
    expect(state).toBe('done');

    const { scan, perIndex, repeated } = await journalCounts(dir);
    console.log(
      `chaos: ${killed.size} solver processes SIGKILLed during the run (${((Date.now() - t0) / 1000).toFixed(1)} s); ${scan.lines} journal lines for ${total} tasks`,
    );
    expect(killed.size).toBeGreaterThanOrEqual(10);
    expect(repeated).toEqual([]);
    expect(perIndex.size).toBe(total);
    expect(scan.duplicates).toBe(0);
    expect(scan.invalidCount).toBe(0);
    expect(scan.torn).toBeNull();
    expect(scan.byStatus.error).toBe(0);
    expect(readSummary(dir)).toMatchObject({ status: 'done', total, done: total, failed: 0 });
    const status = await farm.status();
    expect(status.solvers.reduce((n, s) => n + s.restarts, 0)).toBe(killed.size);
  }, 300_000);
});
