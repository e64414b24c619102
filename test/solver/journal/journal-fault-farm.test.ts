/**
 * Issue 11, bug 4, the panel's side (desktop, serve): a run whose journal cannot be written
 * any more used to go on to the end with only a `RecorderError` warning, every later result
 * lost. The farm now stops the run at once (failed, no new tasks, solvers killed) and says why
 * in the error event and the run's reason, which the page shows.
 */
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FarmEvent } from '../../../solver/api.ts';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { flakyJob, waitFor } from './farm-helpers.ts';
import { trackForCleanup } from './helpers.ts';

const track = trackForCleanup();
const EXAMPLES = path.join(import.meta.dirname, '..', '..', '..', 'examples');

describe('a run whose journal is taken away', () => {
  it('its folder removed mid-run: the run fails at once, saying so in an error event and its reason', async () => {
    const tmp = track.tempDir('journal-fault-farm-');
    const farm = track.farm(new Farm({ launcher: new NodeLauncher(), cores: 2, journal: farmJournal(tmp.dir) }));
    const events: FarmEvent[] = [];
    farm.subscribe((batch) => events.push(...batch));
    const job = JSON.parse(readFileSync(path.join(EXAMPLES, 'wyndor-sweep.json'), 'utf8')) as Record<string, unknown>;
    const total = 300_000;
    job.grid = [{ name: 'P', objective: 'windows', from: 1, to: total, step: 1 }];
    job.output = { values: 'all' };
    job.msglev = 'off';
    const info = await farm.start({ job, source: path.join(EXAMPLES, 'big-wyndor.json') });
    const dir = info.dir as string;
    const journal = path.join(dir, 'results.jsonl');
    await waitFor('some results journaled', () => existsSync(journal) && statSync(journal).size > 100_000);
    rmSync(dir, { recursive: true, force: true });

    expect(await farm.finished()).toBe('failed');
    const errors = events.flatMap((e) => (e.type === 'error' ? [e.error] : []));
    const recorder = errors.filter((e) => e.name === 'RecorderError');
    expect(recorder).toHaveLength(1);
    expect(recorder[0]?.code).toBe('journal-gone');
    expect(recorder[0]?.message).toMatch(
      new RegExp(
        `^recording the run failed: the journal ${journal.replaceAll('/', '\\/')} was removed or replaced after [\\d,]+ results were written to it; the run was stopped$`,
      ),
    );
    const last = events.filter((e) => e.type === 'run').at(-1);
    expect(last).toMatchObject({ state: 'failed' });
    expect(last?.type === 'run' ? last.reason : '').toMatch(/was removed or replaced after/);
    // Stopped, not run to the end with nowhere to keep the results.
    const progress = (await farm.status()).progress;
    expect((progress?.done ?? 0) + (progress?.failed ?? 0)).toBeLessThan(total);
    // Nothing was made again where the folder was.
    expect(existsSync(dir)).toBe(false);
  }, 60_000);

  it('its folder removed while every solver is deep in a long task: noticed and stopped within seconds, not at the next result', async () => {
    const tmp = track.tempDir('journal-fault-quiet-');
    const farm = track.farm(new Farm({ launcher: new NodeLauncher(), cores: 2, journal: farmJournal(tmp.dir) }));
    const events: FarmEvent[] = [];
    farm.subscribe((batch) => events.push(...batch));
    // Two tasks of 60 s each: no result comes for a minute.
    const info = await farm.start(flakyJob({ tasks: 2, ms: 60_000 }));
    await waitFor(
      'both solving',
      async () => (await farm.status()).solvers.filter((x) => x.state === 'solving').length === 2,
    );
    const t0 = Date.now();
    rmSync(info.dir as string, { recursive: true, force: true });
    expect(await farm.finished()).toBe('failed');
    // The summary refresh (every 2 s) notices; the solvers are killed, not waited for.
    expect(Date.now() - t0).toBeLessThan(10_000);
    const recorder = events.flatMap((e) => (e.type === 'error' && e.error.name === 'RecorderError' ? [e.error] : []));
    expect(recorder.map((e) => e.message)).toEqual([
      `recording the run failed: the journal ${info.dir}/results.jsonl was removed or replaced after 0 results were written to it; the run was stopped`,
    ]);
    expect(existsSync(info.dir as string)).toBe(false);
  }, 60_000);
});
