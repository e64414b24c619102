/**
 * Starting runs: bad jobs are refused with located messages, examples come from
 * examples/index.json, one run at a time.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { CountingLauncher, customJob, FarmHarness, JOB_SOURCE, KINDS_DIR } from './helpers.ts';

let h: FarmHarness | undefined;
const tmpDirs: string[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of tmpDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('start() with a bad job', () => {
  it('rejects an unknown kind, naming the file, the path and the known kinds', async () => {
    h = new FarmHarness();
    await expect(h.farm.start({ job: { kind: 'nope' }, source: JOB_SOURCE })).rejects.toThrow(
      `${JOB_SOURCE}: $.kind: expected one of`,
    );
    await expect(h.farm.start({ job: { kind: 'nope' }, source: JOB_SOURCE })).rejects.toThrow(
      /"custom".*, got "nope"$/,
    );
    expect(h.launcher.launched).toHaveLength(0);
  });

  it('rejects a job that is not an object', async () => {
    h = new FarmHarness();
    await expect(h.farm.start({ job: [1, 2], source: 'list.json' })).rejects.toThrow(
      'list.json: $: expected an object, got an array of 2',
    );
  });

  it('rejects a custom module path that does not exist, saying where it looked', async () => {
    h = new FarmHarness();
    const request = customJob('missing-kind.ts', { tasks: 1 });
    await expect(h.farm.start(request)).rejects.toThrow(
      `${JOB_SOURCE}: $.module: expected a path to a kind module, relative to ${KINDS_DIR.replace(/\/$/, '')} (no file at ${join(KINDS_DIR, 'missing-kind.ts')}), got "./missing-kind.ts"`,
    );
    expect(h.launcher.launched).toHaveLength(0);
  });

  it('rejects a module that is not a problem kind', async () => {
    h = new FarmHarness();
    await expect(h.farm.start(customJob('not-a-kind.ts', {}))).rejects.toThrow(
      /\$\.module: expected a module that loads and default-exports a problem kind \(.*not-a-kind\.ts: its default export is not a problem kind/,
    );
  });

  it("locates the custom kind's own errors under $.spec", async () => {
    h = new FarmHarness();
    await expect(h.farm.start(customJob('strict.ts', { tasks: -3 }))).rejects.toThrow(
      `${JOB_SOURCE}: $.spec.tasks: expected an integer from 1 to 1000, got -3`,
    );
  });

  it('refuses a job nested deeper than 64 levels where it is read, leaving no run folder behind', async () => {
    const data = mkdtempSync(join(tmpdir(), 'deep-job-'));
    tmpDirs.push(data);
    h = new FarmHarness({ launcher: new CountingLauncher(), journal: farmJournal(data) });
    // 100,000 arrays inside each other: JSON.parse takes it; writing job.json overflowed the stack.
    const description = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    const modelFile = join(data, 'wyndor.lp');
    writeFileSync(modelFile, 'maximize\n obj: 3 doors + 5 windows\nsubject to\n p1: doors <= 4\nend\n');
    const grid = [{ objective: 'doors', values: [1, 2] }];
    const job = { kind: 'sweep', modelFile, grid, description };
    const where = `${JOB_SOURCE}: $.description${'[0]'.repeat(63)}: expected at most 64 levels of arrays and objects inside each other`;
    for (let attempt = 0; attempt < 2; attempt++) {
      await expect(h.farm.start({ job, source: JOB_SOURCE })).rejects.toThrow(where);
    }
    await expect(h.farm.preview({ job, source: JOB_SOURCE })).rejects.toThrow(where);
    expect(h.launcher.launched).toHaveLength(0);
    expect(existsSync(join(data, 'runs')) ? readdirSync(join(data, 'runs')) : []).toEqual([]);
    // 64 levels are fine.
    const deepest = JSON.parse(`${'['.repeat(63)}${']'.repeat(63)}`) as unknown;
    expect((await h.farm.preview({ job: { ...job, description: deepest }, source: JOB_SOURCE })).total).toBe(2);
  });

  it('rejects a second start while a run is active', async () => {
    h = new FarmHarness({ cores: 1 });
    await h.farm.start(customJob('spin.ts', { tasks: 2, ms: 5000 }));
    await expect(h.farm.start(customJob('spin.ts', { tasks: 1, ms: 1 }))).rejects.toThrow(/a run is already active/);
    // A page can tell this refusal from a bad job: it may offer to terminate the run.
    await expect(h.farm.start(customJob('spin.ts', { tasks: 1, ms: 1 }))).rejects.toMatchObject({ code: 'busy' });
    await h.farm.terminate({ force: true });
    expect(await h.farm.finished()).toBe('stopped');
  });
});

describe('start() with a relative source', () => {
  it('resolves the custom module against the working directory', async () => {
    h = new FarmHarness({ cores: 1 });
    const relative = join('test', 'fixtures', 'kinds', 'strict.ts');
    const info = await h.farm.start({
      job: { kind: 'custom', module: relative, spec: { tasks: 3 } },
      source: 'job.json',
    });
    expect(info).toMatchObject({ kind: 'custom', name: 'job.json', total: 3, cores: 1 });
    expect(await h.farm.finished()).toBe('done');
    const results = h.results().sort((a, b) => a.index - b.index);
    expect(results.map((r) => r.objective)).toEqual([0, 1, 4]);
    expect(results.map((r) => r.label)).toEqual(['s0', 's1', 's2']);
  });
});

describe('examples', () => {
  it('lists examples/index.json and starts one by id, resolving its files from the examples folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'farm-examples-'));
    tmpDirs.push(dir);
    writeFileSync(
      join(dir, 'index.json'),
      JSON.stringify([
        { id: 'tiny', file: 'tiny.json', name: 'Tiny strict job', description: 'three squares', kind: 'custom' },
      ]),
    );
    // A job's module loads only from its own folder: a one-line module there re-exports the fixture.
    writeFileSync(join(dir, 'strict.ts'), `export { default } from ${JSON.stringify(join(KINDS_DIR, 'strict.ts'))};\n`);
    writeFileSync(
      join(dir, 'tiny.json'),
      JSON.stringify({ kind: 'custom', module: './strict.ts', spec: { tasks: 3 } }),
    );
    h = new FarmHarness({ cores: 2, examplesDir: dir, launcher: new CountingLauncher() });
    expect(await h.farm.examples()).toEqual([
      { id: 'tiny', name: 'Tiny strict job', description: 'three squares', kind: 'custom' },
    ]);
    const info = await h.farm.start({ example: 'tiny' });
    expect(info).toMatchObject({ name: 'Tiny strict job', total: 3, cores: 2 });
    expect(await h.farm.finished()).toBe('done');
    expect(h.results()).toHaveLength(3);
    await expect(h.farm.start({ example: 'huge' })).rejects.toThrow(
      'unknown example "huge": the built-in examples are "tiny"',
    );
  });

  it('an examples folder without an index offers no examples', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'farm-examples-'));
    tmpDirs.push(dir);
    h = new FarmHarness({ examplesDir: dir });
    expect(await h.farm.examples()).toEqual([]);
  });
});
