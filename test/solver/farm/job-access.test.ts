/**
 * What a job may load and read, by who sent it (solver/problems/job-access.ts): a job file's
 * module only from its own folder; a page's modules only from allowed folders, its files only
 * beneath the exposed ones (links included); preview never imports code; cores and folder
 * walks bounded before anything is allocated or the event loop stalls.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { maxCores } from '../../../solver/farm/farm.ts';
import { farmJournal } from '../../../solver/journal/farm-journal.ts';
import { listModelFiles, WalkLimitError } from '../../../solver/problems/batch.ts';
import { JOB_FILE_ACCESS, type JobAccess } from '../../../solver/problems/job-access.ts';
import { CountingLauncher, FarmHarness, JOB_SOURCE, KINDS_DIR, waitFor } from './helpers.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', '..', 'examples');
const WYNDOR_LP = 'maximize\n obj: 3 doors + 5 windows\nsubject to\n p1: doors <= 4\nend\n';

let h: FarmHarness | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  delete process.env.SOLVER_FARM_IMPORT_MARK;
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'job-access-'));
  dirs.push(dir);
  return dir;
}

/** A page's rules: files beneath `roots`, modules from `modules` only. */
function page(roots: string[], modules: string[] = []): JobAccess {
  return { roots, modules, hint: 'see serve --root and --allow-modules' };
}

describe('custom kind modules from a job file', () => {
  it('refuses an absolute module path, even one inside the job folder', async () => {
    h = new FarmHarness({ launcher: new CountingLauncher() });
    const job = { kind: 'custom', module: join(KINDS_DIR, 'strict.ts'), spec: { tasks: 1 } };
    await expect(h.farm.start({ job, source: JOB_SOURCE })).rejects.toThrow(
      /\$\.module: expected a path relative to the job file's folder .*\(absolute module paths are not loaded\)/,
    );
    expect(h.launcher.launched).toHaveLength(0);
  });

  it('refuses a module reached with .. out of the job folder', async () => {
    h = new FarmHarness();
    const source = join(KINDS_DIR, 'sub', 'job.json');
    const job = { kind: 'custom', module: '../strict.ts', spec: { tasks: 1 } };
    await expect(h.farm.start({ job, source })).rejects.toThrow(
      /a module inside the job file's folder .* is outside it/,
    );
  });

  it('refuses a link inside the job folder that leads to a module outside it', async () => {
    const dir = tempDir();
    symlinkSync(join(KINDS_DIR, 'strict.ts'), join(dir, 'linked.ts'));
    h = new FarmHarness();
    const job = { kind: 'custom', module: './linked.ts', spec: { tasks: 1 } };
    await expect(h.farm.start({ job, source: join(dir, 'job.json') })).rejects.toThrow(/is outside it/);
  });

  it('refuses a module that is not code (by its ending)', async () => {
    h = new FarmHarness();
    const job = { kind: 'custom', module: './notes.json', spec: {} };
    await expect(h.farm.start({ job, source: JOB_SOURCE })).rejects.toThrow(/expected a kind module ending in \.js/);
  });
});

describe('preview runs no code', () => {
  it('checks a custom job without importing its module', async () => {
    const mark = join(tempDir(), 'imported');
    process.env.SOLVER_FARM_IMPORT_MARK = mark;
    h = new FarmHarness();
    const job = { kind: 'custom', module: './marks-import.ts', spec: {} };
    const preview = await h.farm.preview({ job, source: JOB_SOURCE });
    expect(preview).toMatchObject({ kind: 'custom', total: null, steps: null });
    expect(existsSync(mark)).toBe(false);
    // Starting it is what loads it (in this process, to plan, and in each solver).
    const info = await h.farm.start({ job, source: JOB_SOURCE });
    expect(info.total).toBe(2);
    expect(await h.farm.finished()).toBe('done');
    expect(readFileSync(mark, 'utf8')).toContain(`imported by pid ${process.pid}`);
  });

  it('still refuses at preview what start would refuse', async () => {
    h = new FarmHarness();
    const job = { kind: 'custom', module: '/tmp/evil.mjs', spec: {} };
    await expect(h.farm.preview({ job, source: 'page.json' }, page([tempDir()]))).rejects.toThrow(
      /no custom kind here: this farm does not load code a page sends/,
    );
  });
});

describe('jobs from a page', () => {
  it('refuses any custom kind unless modules are allowed, and then only from the allowed folders', async () => {
    h = new FarmHarness();
    const job = { kind: 'custom', module: join(KINDS_DIR, 'strict.ts'), spec: { tasks: 2 } };
    const root = tempDir();
    await expect(h.farm.start({ job, source: 'page.json' }, { access: page([root]) })).rejects.toThrow(
      /page\.json: \$\.module: expected no custom kind here: .*serve --root and --allow-modules/,
    );
    await expect(h.farm.start({ job, source: 'page.json' }, { access: page([root], [root]) })).rejects.toThrow(
      /a module inside the folders allowed for custom kinds .* is outside them/,
    );
    const info = await h.farm.start({ job, source: 'page.json' }, { access: page([root], [KINDS_DIR]) });
    expect(info.total).toBe(2);
    expect(await h.farm.finished()).toBe('done');
  });

  it('reads model files only beneath the exposed folders', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(root, 'in.lp'), WYNDOR_LP);
    writeFileSync(join(outside, 'out.lp'), WYNDOR_LP);
    symlinkSync(join(outside, 'out.lp'), join(root, 'link.lp'));
    h = new FarmHarness();
    const access = page([root]);
    const sweep = (modelFile: string) => ({
      job: { kind: 'sweep', modelFile, grid: [{ objective: 'doors', values: [1, 2] }] },
      source: 'page.json',
    });
    // Relative paths resolve in the first exposed folder.
    expect((await h.farm.preview(sweep('in.lp'), access)).total).toBe(2);
    for (const path of [join(outside, 'out.lp'), '../out.lp', `../${outside.split('/').pop()}/out.lp`, 'link.lp']) {
      await expect(h.farm.preview(sweep(path), access)).rejects.toThrow(
        /\$\.modelFile: expected a path inside the folders this farm exposes .* is outside them/,
      );
    }
    await expect(h.farm.preview(sweep('/etc/passwd'), access)).rejects.toThrow(/is outside them/);
    // A batch over a folder leaves out files that links lead outside of it.
    mkdirSync(join(root, 'models'));
    writeFileSync(join(root, 'models', 'a.lp'), WYNDOR_LP);
    symlinkSync(join(outside, 'out.lp'), join(root, 'models', 'b.lp'));
    const batch = await h.farm.preview({ job: { kind: 'batch', files: ['models'] }, source: 'page.json' }, access);
    expect(batch.total).toBe(1);
    await expect(
      h.farm.preview({ job: { kind: 'batch', files: ['/usr'] }, source: 'page.json' }, access),
    ).rejects.toThrow(/\$\.files\[0\]: expected a path inside the folders/);
    await expect(
      h.farm.preview({ job: { kind: 'tsp', instance: '/etc/hostname' }, source: 'page.json' }, access),
    ).rejects.toThrow(/\$\.instance: expected a path inside the folders/);
  });

  it('refuses a path through a link that leads outside whether or not the file exists (no probing)', async () => {
    const root = tempDir();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.lp'), WYNDOR_LP);
    symlinkSync(outside, join(root, 'linkdir'));
    // A link that leads nowhere (yet): its target decides, not the link's own place.
    symlinkSync(join(outside, 'none.lp'), join(root, 'dangling.lp'));
    symlinkSync(join(outside, 'secret.lp'), join(root, 'to-secret.lp'));
    // A loop of links: refused, never followed for ever.
    symlinkSync(join(root, 'loop-b'), join(root, 'loop-a'));
    symlinkSync(join(root, 'loop-a'), join(root, 'loop-b'));
    h = new FarmHarness();
    const access = page([root]);
    const sweep = (modelFile: string) => ({
      job: { kind: 'sweep', modelFile, grid: [{ objective: 'doors', values: [1, 2] }] },
      source: 'page.json',
    });
    for (const path of [
      'linkdir/secret.lp',
      'linkdir/nope.lp',
      'linkdir/deeper/still/nope.lp',
      'dangling.lp',
      'to-secret.lp',
      'loop-a',
    ]) {
      await expect(h.farm.preview(sweep(path), access), path).rejects.toThrow(
        /\$\.modelFile: expected a path inside the folders this farm exposes .* is outside them/,
      );
    }
    // A file that does not exist beneath the root itself is still just missing.
    await expect(h.farm.preview(sweep('missing/nope.lp'), access)).rejects.toThrow(/no such file|ENOENT|not found/i);
  });

  it('may resume a run of a built-in example (its files are the farm’s own)', async () => {
    const data = tempDir();
    h = new FarmHarness({ journal: farmJournal(data), examplesDir: EXAMPLES });
    const info = await h.farm.start({ example: 'wyndor-sweep' });
    await h.farm.terminate({ force: true });
    await h.farm.finished();
    const resumed = await h.farm.resume(info.runId, {}, page([tempDir()]));
    expect(resumed.runId).toBe(info.runId);
    expect(await h.farm.finished()).toBe('done');
  });
});

describe('resume', () => {
  it('takes its rules from who asks, never from the run folder; a page’s shell decides from the recorded job', async () => {
    const data = tempDir();
    h = new FarmHarness({ journal: farmJournal(data) });
    const job = { kind: 'custom', module: './spin.ts', spec: { tasks: 40, ms: 200 } };
    const info = await h.farm.start({ job, source: JOB_SOURCE });
    await waitFor('a result', () => h?.results().length);
    await h.farm.terminate({ force: true });
    await h.farm.finished();
    // A page's rules: no module, although the run was started from a job file.
    await expect(h.farm.resume(info.runId, {}, page([tempDir()]))).rejects.toThrow(/no custom kind here/);
    // A shell that sees the job file it was given in the record grants that file's rules.
    const seen: unknown[] = [];
    const resumed = await h.farm.resume(info.runId, {}, (recorded) => {
      seen.push(recorded);
      return recorded.source === JOB_SOURCE ? JOB_FILE_ACCESS : page([tempDir()]);
    });
    expect(seen).toEqual([{ source: JOB_SOURCE, baseDir: KINDS_DIR.replace(/\/$/, ''), job }]);
    expect(resumed.runId).toBe(info.runId);
    expect(await h.farm.finished()).toBe('done');
    // The user's own resume (the CLI's, a trusted caller's) keeps a job file's rules.
    const again = await h.farm.start({ job, source: JOB_SOURCE });
    await h.farm.terminate({ force: true });
    await h.farm.finished();
    expect((await h.farm.resume(again.runId)).runId).toBe(again.runId);
    await h.farm.terminate({ force: true });
    await h.farm.finished();
  });
});

describe('resource caps', () => {
  it('refuses more solver processes than the machine takes, at start, preview and resume', async () => {
    h = new FarmHarness({ launcher: new CountingLauncher() });
    expect(maxCores()).toBe(Math.min(1024, 4 * availableParallelism()));
    const tooMany = maxCores() + 1;
    await expect(h.farm.start({ example: 'wyndor-sweep', cores: tooMany })).rejects.toThrow(
      new RegExp(`start: cores: ${tooMany} solver processes is more than this machine takes \\(at most ${maxCores()}`),
    );
    await expect(h.farm.preview({ example: 'wyndor-sweep', cores: 1e9 })).rejects.toThrow(/at most/);
    await expect(h.farm.start({ example: 'wyndor-sweep', cores: 2.5 })).rejects.toThrow(/a whole number of cores/);
    expect(h.launcher.launched).toHaveLength(0);
  });

  it('walks a huge folder without stalling the event loop, and stops at the entry cap', async () => {
    h = new FarmHarness();
    let worst = 0;
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }, 10);
    try {
      await expect(h.farm.preview({ job: { kind: 'batch', files: ['/'] }, source: '/job.json' })).rejects.toThrow(
        /\$\.files\[0\]: expected a folder of at most 200,000 files and folders \(\/ has more\): name a smaller folder/,
      );
    } finally {
      clearInterval(tick);
    }
    // Status and the page are served between directory reads: no gap near a second.
    expect(worst).toBeLessThan(300);
    await expect(listModelFiles('/usr', { left: 100 })).rejects.toBeInstanceOf(WalkLimitError);
  });
});

describe('custom kind shape', () => {
  it('refuses a plan without params() when the job loads, and the farm goes on', async () => {
    h = new FarmHarness({ launcher: new CountingLauncher() });
    await expect(
      h.farm.start({ job: { kind: 'custom', module: './no-params.ts', spec: {} }, source: JOB_SOURCE }),
    ).rejects.toThrow(
      /\$: expected a custom job whose plan\(\) returns task\(i\), label\(i\) and params\(i\) functions \(params missing\)/,
    );
    expect(h.launcher.launched).toHaveLength(0);
    await h.farm.start({ job: { kind: 'custom', module: './strict.ts', spec: { tasks: 2 } }, source: JOB_SOURCE });
    expect(await h.farm.finished()).toBe('done');
  });
});
