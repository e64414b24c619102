/**
 * The desktop app's bundles, built exactly as `electron-forge package` builds them (Forge's
 * own Vite build worker, forge.config.ts's targets), checked without Electron:
 * main and preload are CommonJS that load with a stub `electron`; the solver entry is an
 * ES module that, copied with its wasm into a folder with no node_modules at all (like the
 * packaged app's unpacked resources), solves Wyndor under plain Node over the farm protocol.
 */
import { type ChildProcess, execFileSync, fork } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBundles } from '../../electron/build-bundles.ts';
import { sweep } from '../../solver/problems/sweep.ts';
import type { TaskPlan } from '../../solver/problems/types.ts';
import type { FromSolver, ToSolver, WireResult } from '../../solver/protocol.ts';

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
    expect(record.exposed).toEqual({
      farm: [
        'examples',
        'inspectModel',
        'openRun',
        'preview',
        'resume',
        'runs',
        'start',
        'status',
        'subscribe',
        'terminate',
      ],
      farmShell: ['onMenu', 'onOpenFile'],
    });
  });

  it('solver.mjs solves Wyndor (P=500 → 3600) under plain Node from a folder without node_modules', async () => {
    for (const file of ['solver.mjs', 'glpk.wasm', 'highs.wasm'])
      copyFileSync(path.join(BUILD, file), path.join(isolated, file));
    const doc = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'wyndor-sweep.json'), 'utf8')) as unknown;
    const spec = await sweep.parse(doc, { source: 'wyndor-sweep.json', baseDir: path.join(ROOT, 'examples') });
    const plan = sweep.plan(spec) as TaskPlan<unknown>;
    const indices = [0, 99, 100, 400, plan.count - 1];
    const p500 = indices.find((i) => plan.label(i) === 'P=500');
    expect(p500).toBeDefined();

    const child = fork(path.join(isolated, 'solver.mjs'), [], {
      cwd: isolated,
      serialization: 'json',
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    children.push(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const messages: FromSolver[] = [];
    const waiters: (() => void)[] = [];
    child.on('message', (m) => {
      messages.push(m as FromSolver);
      for (const w of waiters.splice(0)) w();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const next = async (t: FromSolver['t'], test: (m: FromSolver) => boolean = () => true): Promise<FromSolver> => {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const found = messages.find((m) => m.t === t && test(m));
        if (found) return found;
        const failed = messages.find((m) => m.t === 'error' || m.t === 'setup-failed');
        if (failed) throw new Error(`solver failed: ${JSON.stringify(failed)}\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`no ${t} from the solver; stderr:\n${stderr}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    };
    const send = (message: ToSolver) => child.send(message);

    expect(await next('ready')).toMatchObject({ t: 'ready', pid: child.pid });
    send({ t: 'setup', kind: 'sweep', spec, solver: 0, seed: 1 });
    await next('setup-done');
    send({ t: 'tasks', batch: 1, tasks: indices.map((i) => ({ i, p: plan.task(i) })) });
    await next('results', (m) => m.t === 'results' && m.done);
    const results = messages.flatMap((m) => (m.t === 'results' ? m.results : [])) as WireResult[];
    expect(results.map((r) => r.i).sort((a, b) => a - b)).toEqual(indices);
    const r500 = results.find((r) => r.i === p500);
    expect(r500).toMatchObject({ status: 'optimal', engine: 'glpk' });
    expect(r500?.objective).toBeCloseTo(3600, 6);
    expect(r500?.values).toMatchObject({ doors: expect.closeTo(2, 6), windows: expect.closeTo(6, 6) });
    // GLPK's own terminal output was captured and shipped as log lines.
    const lines = messages.flatMap((m) => (m.t === 'log' ? m.lines : []));
    // (simplex iteration lines such as `*     2: obj =   3.600000000e+03 inf =   0.000e+00 (0)`).
    expect(lines.some((line) => /obj\s*=\s*3\.6000*e\+03/.test(line))).toBe(true);

    send({ t: 'shutdown' });
    expect(await exited).toBe(0);
  }, 60_000);
});
