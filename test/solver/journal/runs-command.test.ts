import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../solver/cli/errors.ts';
import { runsCommand } from '../../../solver/cli/runs-command.ts';
import { RunRecorder } from '../../../solver/journal/recorder.ts';
import { result, tempDir } from './helpers.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

function io() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (t: string) => (out.stdout += t) },
      stderr: { write: (t: string) => (out.stderr += t) },
    },
  };
}

async function makeRun(runId: string, status: 'done' | 'stopped') {
  const rec = await RunRecorder.create(
    {
      root: tmp.dir,
      runId,
      job: { kind: 'sweep' },
      source: '/jobs/w.json',
      baseDir: '/jobs',
      kind: 'sweep',
      name: `wyndor ${runId.slice(-4)}`,
      taskCount: 3,
      steps: null,
      specHash: 'x',
    },
    { summaryRefreshMs: 0 },
  );
  rec.result(result(0));
  if (status === 'done') {
    rec.result(result(1));
    rec.result(result(2, 'error'));
  }
  rec.finish({ status });
}

describe('solver-farm runs', () => {
  it('a --root that is a file: one clear line, exit 2, not an internal error', async () => {
    const file = path.join(tmp.dir, 'a-file');
    writeFileSync(file, 'x');
    await expect(runsCommand({ root: file }, io().io)).rejects.toThrow(
      new UserError(`--root ${file}: cannot list its runs: ${path.join(file, 'runs')}: ENOTDIR (not a directory)`),
    );
  });

  it('says so when there are no runs', async () => {
    const { out, io: streams } = io();
    expect(await runsCommand({ root: tmp.dir }, streams)).toBe(0);
    expect(out.stdout).toBe(`No runs in ${path.join(tmp.dir, 'runs')}\n`);
  });

  it('prints a table newest first and how to continue a stopped run', async () => {
    await makeRun('20261122-010000-aaaa', 'done');
    await makeRun('20261122-020000-bbbb', 'stopped');
    const { out, io: streams } = io();
    expect(await runsCommand({ root: tmp.dir }, streams)).toBe(0);
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^RUN\s+STATUS\s+KIND\s+DONE\s+FAILED\s+DURATION\s+NAME$/);
    expect(lines[1]).toMatch(/^20261122-020000-bbbb\s+stopped\s+sweep\s+1\/3\s+0\s+\S.*\s+wyndor bbbb$/);
    expect(lines[2]).toMatch(/^20261122-010000-aaaa\s+done\s+sweep\s+2\/3\s+1\s+/);
    expect(out.stdout).toContain(
      `Continue an interrupted or stopped run with: solver-farm resume ${path.join(tmp.dir, 'runs', '20261122-020000-bbbb')}`,
    );
  });

  it('prints JSON with --json and reports unreadable folders with exit code 1', async () => {
    await makeRun('20261122-010000-aaaa', 'done');
    mkdirSync(path.join(tmp.dir, 'runs', 'not-a-run'));
    const { out, io: streams } = io();
    expect(await runsCommand({ root: tmp.dir, json: true }, streams)).toBe(1);
    const runs = JSON.parse(out.stdout);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ runId: '20261122-010000-aaaa', status: 'done', done: 2, failed: 1, total: 3 });
    expect(out.stderr).toMatch(/skipped .*not-a-run: .*not a run directory/);
  });
});
