/**
 * A Farm given a data folder (the desktop passes Electron's userData) records every run —
 * examples and job documents alike — in `<dataDir>/runs/<run id>/`, and the run history
 * lists them with their status and counts, including a halted one with its reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Farm } from '../../../solver/farm/farm.ts';
import { NodeLauncher } from '../../../solver/farm/node-launcher.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { listRuns } from '../../../solver/journal/history.ts';
import { flakyJob } from './farm-helpers.ts';
import { trackForCleanup } from './helpers.ts';

const track = trackForCleanup();

describe('Farm dataDir', () => {
  it('records every run under <dataDir>/runs/ and the history lists them', async () => {
    const tmp = track.tempDir('journal-data-dir-');
    const farm = track.farm(new Farm({ launcher: new NodeLauncher(), cores: 2, journal: farmJournal(tmp.dir) }));
    const first = await farm.start({ example: 'wyndor-sweep' });
    expect(await farm.finished()).toBe('done');
    expect(first.dir).toBe(path.join(tmp.dir, 'runs', first.runId));
    const total = first.total as number;
    expect(
      readFileSync(path.join(first.dir as string, 'results.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(total);
    expect(existsSync(path.join(first.dir as string, 'logs'))).toBe(true);

    const second = await farm.start(flakyJob({ tasks: 500, ms: 1, failEvery: 5 }, { haltAfterFailures: 3 }));
    expect(await farm.finished()).toBe('failed');
    expect(second.dir).toBe(path.join(tmp.dir, 'runs', second.runId));

    const { runs, broken } = await listRuns(tmp.dir);
    expect(broken).toEqual([]);
    const byId = new Map(runs.map((r) => [r.runId, r]));
    expect(byId.get(first.runId)).toMatchObject({ status: 'done', total, done: total, failed: 0 });
    expect(byId.get(second.runId)).toMatchObject({ status: 'failed', total: 500 });
    expect(byId.get(second.runId)?.reason).toMatch(/policy\.haltAfterFailures is 3/);
  }, 60_000);
});
