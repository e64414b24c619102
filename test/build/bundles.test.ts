/**
 * The desktop app's bundles, built exactly as `electron-forge package` builds them (Forge's
 * own Vite build worker, forge.config.ts's targets), checked without Electron:
 * main and preload are CommonJS that load with a stub `electron`; the solver entry is an
 * ES module that, copied with its wasm into a folder with no node_modules at all (like the
 * packaged app's unpacked resources), solves Wyndor under plain Node over the farm protocol.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles } from '../../electron/build-bundles.ts';
import { FARM_SHELL_VERBS, FARM_VERBS } from '../support/preload-bridges.ts';
import { forkSolverEntry, shutDown, solveSweepBatch, wyndorSweep } from '../support/solver-entry.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const BUILD = path.join(ROOT, '.vite', 'build');
const RENDERER = path.join(ROOT, '.vite', 'renderer', 'main_window');
const LOADER = path.join(import.meta.dirname, 'fixtures', 'load-with-fake-electron.cjs');

function loadWithFakeElectron(bundle: string, role: 'main' | 'preload') {
  const out = execFileSync(process.execPath, [LOADER, bundle, role], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as {
    required: string[];
    exposed: Record<string, string[]>;
    quit: number;
    singleInstanceAsked: number;
  };
}

describe('desktop bundles (built without Electron)', () => {
  let isolated: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await buildBundles({ log: () => {} });
    isolated = mkdtempSync(path.join(os.tmpdir(), 'solver-bundle-'));
  }, 240_000);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    if (isolated) rmSync(isolated, { recursive: true, force: true });
  });

  it('emits main and preload as .cjs, the solver entry as .mjs with both wasm files beside it, and the renderer', () => {
    for (const file of ['main.cjs', 'preload.cjs', 'solver.mjs', 'glpk.wasm', 'highs.wasm']) {
      expect(existsSync(path.join(BUILD, file)), file).toBe(true);
    }
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { main: string };
    expect(pkg.main).toBe('.vite/build/main.cjs');
    const html = readFileSync(path.join(RENDERER, 'index.html'), 'utf8');
    // Loaded over file://: every asset reference must be relative.
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    expect(html).not.toMatch(/(src|href)="\/(?!\/)/);
  });

  it('main.cjs and preload.cjs parse as CommonJS scripts', () => {
    for (const file of ['main.cjs', 'preload.cjs']) {
      const code = readFileSync(path.join(BUILD, file), 'utf8');
      expect(code).not.toMatch(/^\s*(import|export)\s/m);
      expect(
        () =>
          new vm.Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, { filename: file }),
      ).not.toThrow();
    }
  });

  it('main.cjs loads and honours the single-instance lock', () => {
    const record = loadWithFakeElectron(path.join(BUILD, 'main.cjs'), 'main');
    expect(record.singleInstanceAsked).toBe(1);
    expect(record.quit).toBe(1);
    // Engines never enter the main bundle (electron/no-engine.ts).
    expect(record.required).not.toContain('glpk.js/node');
  });

  it('preload.cjs requires nothing a sandboxed preload cannot, and exposes only the narrow bridges', () => {
    const record = loadWithFakeElectron(path.join(BUILD, 'preload.cjs'), 'preload');
    expect(record.required).toEqual(['electron']);
    expect(record.exposed).toEqual({ farm: FARM_VERBS, farmShell: FARM_SHELL_VERBS });
  });

  it('solver.mjs solves Wyndor (P=500 → 3600) under plain Node from a folder without node_modules', async () => {
    for (const file of ['solver.mjs', 'glpk.wasm', 'highs.wasm'])
      copyFileSync(path.join(BUILD, file), path.join(isolated, file));
    const { spec, plan } = await wyndorSweep(path.join(ROOT, 'examples'));
    const indices = [0, 99, 100, 400, plan.count - 1];
    const p500 = indices.find((i) => plan.label(i) === 'P=500');
    expect(p500).toBeDefined();

    const solver = forkSolverEntry(path.join(isolated, 'solver.mjs'), 30_000);
    children.push(solver.child);
    const results = await solveSweepBatch(solver, spec, plan, indices);
    expect(results.map((r) => r.i).sort((a, b) => a - b)).toEqual(indices);
    const r500 = results.find((r) => r.i === p500);
    expect(r500).toMatchObject({ status: 'optimal', engine: 'glpk' });
    expect(r500?.objective).toBeCloseTo(3600, 6);
    expect(r500?.values).toMatchObject({ doors: expect.closeTo(2, 6), windows: expect.closeTo(6, 6) });
    // GLPK's own terminal output was captured and shipped as log lines.
    const lines = solver.messages.flatMap((m) => (m.t === 'log' ? m.lines : []));
    // (simplex iteration lines such as `*     2: obj =   3.600000000e+03 inf =   0.000e+00 (0)`).
    expect(lines.some((line) => /obj\s*=\s*3\.6000*e\+03/.test(line))).toBe(true);

    expect(await shutDown(solver)).toBe(0);
  }, 60_000);
});
