/**
 * Packaging smoke test, without Electron: Forge packages the real app (its Vite build,
 * asar, unpack rules, extra resources, FusesPlugin) for linux/x64 against a stand-in
 * Electron zip that this test builds (stand-in-electron.ts), given to Forge through
 * SOLVER_FARM_ELECTRON_ZIP_DIR (forge.config.ts's packagerConfig.electronZipDir). Then it
 * looks inside the package like the app will at run time: app.asar holds main, preload and
 * the renderer; the solver entry and its wasm are unpacked real files; the examples are a
 * resource; the executable's fuses are flipped; and the solver entry, taken out of the
 * package, solves Wyndor under plain Node over the farm protocol.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractFile, listPackage, statFile } from '@electron/asar';
import { FuseState, FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forkSolverEntry, shutDown, solveSweepBatch, wyndorSweep } from '../support/solver-entry.ts';
import { writeStandInElectronZip } from './stand-in-electron.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const FORGE_PACKAGE = path.join(import.meta.dirname, 'fixtures', 'forge-package.ts');
const ELECTRON_VERSION = (
  JSON.parse(readFileSync(path.join(ROOT, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }
).version;

/** Run Forge's package step in a child process; rejects with its output when it fails. */
function forgePackage(outDir: string, zipDir: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [FORGE_PACKAGE, outDir], {
      cwd: ROOT,
      env: { ...process.env, SOLVER_FARM_ELECTRON_ZIP_DIR: zipDir, CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // Generous: it runs four Vite builds; the build machines are 2 shared cores.
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`Forge packaging failed (${signal ?? `exit code ${code}`}):\n${output}`));
    });
  });
}

describe('the app packaged by Forge against a stand-in Electron', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'solver-farm-package-'));
  const appDir = path.join(work, 'out', 'Solver Farm-linux-x64');
  const resources = path.join(appDir, 'resources');
  const asar = path.join(resources, 'app.asar');
  const unpacked = path.join(resources, 'app.asar.unpacked');
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    await writeStandInElectronZip(path.join(work, 'zips'), ELECTRON_VERSION);
    await forgePackage(path.join(work, 'out'), path.join(work, 'zips'));
  }, 180_000);

  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('lays the app out like Electron: the renamed executable, resources/app.asar, no default app', () => {
    expect(existsSync(path.join(appDir, 'solver-farm'))).toBe(true);
    expect(existsSync(path.join(appDir, 'electron'))).toBe(false);
    expect(readFileSync(path.join(appDir, 'version'), 'utf8')).toBe(ELECTRON_VERSION);
    expect(readdirSync(resources).sort()).toEqual(['app.asar', 'app.asar.unpacked', 'examples']);
  });

  it('app.asar holds main, preload and the renderer, and nothing but the built app', () => {
    const files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
    for (const file of ['/package.json', '/.vite/build/main.cjs', '/.vite/build/preload.cjs']) {
      expect(files).toContain(file);
    }
    expect(files).toContain('/.vite/renderer/main_window/index.html');
    expect(files.some((f) => /^\/\.vite\/renderer\/main_window\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    // Only Vite's output and package.json: no sources, no node_modules, no tests.
    expect(files.filter((f) => f !== '/package.json' && !f.startsWith('/.vite'))).toEqual([]);

    const pkg = JSON.parse(extractFile(asar, 'package.json').toString()) as { main: string; name: string };
    expect(pkg.main).toBe('.vite/build/main.cjs');
    const main = extractFile(asar, '.vite/build/main.cjs').toString();
    // The main bundle is the desktop shell (CommonJS) and keeps the engines out.
    expect(main).toContain('requestSingleInstanceLock');
    expect(main).not.toMatch(/^\s*import\s/m);
    // (Vite writes the policy's quotes as &#39; entities.)
    const html = extractFile(asar, '.vite/renderer/main_window/index.html').toString().replaceAll('&#39;', "'");
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'self'/);
    expect(html).toMatch(/src="\.\/assets\/index-[\w-]+\.js"/);
  });

  it('unpacks the solver entry and both wasm files, byte for byte the files the asar lists', () => {
    for (const file of ['solver.mjs', 'glpk.wasm', 'highs.wasm']) {
      const inAsar = `.vite/build/${file}`;
      expect((statFile(asar, inAsar) as { unpacked?: boolean }).unpacked, file).toBe(true);
      const onDisk = path.join(unpacked, '.vite', 'build', file);
      expect(existsSync(onDisk), onDisk).toBe(true);
      expect(extractFile(asar, inAsar).equals(readFileSync(onDisk)), file).toBe(true);
    }
    // main and preload stay inside the archive.
    expect(existsSync(path.join(unpacked, '.vite', 'build', 'main.cjs'))).toBe(false);
  });

  it('ships the example jobs (and the files they reference) as resources/examples', () => {
    const shipped = readdirSync(path.join(resources, 'examples')).sort();
    expect(shipped).toEqual(readdirSync(path.join(ROOT, 'examples')).sort());
    expect(shipped).toContain('berlin52.tsp');
  });

  it("flips the executable's fuses as forge.config.ts asks", async () => {
    const wire = await getCurrentFuseWire(path.join(appDir, 'solver-farm'));
    expect(wire[FuseV1Options.RunAsNode]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableNodeCliInspectArguments]).toBe(FuseState.DISABLE);
    expect(wire[FuseV1Options.EnableCookieEncryption]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.OnlyLoadAppFromAsar]).toBe(FuseState.ENABLE);
    expect(wire[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(FuseState.DISABLE);
  });

  it('the solver entry taken out of the package solves Wyndor (P=500 → 3600) under plain Node', async () => {
    // Out of the package and away from the project: a folder with no node_modules anywhere up.
    const isolated = mkdtempSync(path.join(os.tmpdir(), 'solver-farm-unpacked-'));
    try {
      for (const file of ['solver.mjs', 'glpk.wasm', 'highs.wasm']) {
        writeFileSync(path.join(isolated, file), extractFile(asar, `.vite/build/${file}`));
      }
      const { spec, plan } = await wyndorSweep(path.join(resources, 'examples'));
      const indices = Array.from({ length: plan.count }, (_, i) => i).filter((i) =>
        ['P=100', 'P=500', 'P=1000'].includes(plan.label(i)),
      );
      expect(indices.map((i) => plan.label(i))).toEqual(['P=100', 'P=500', 'P=1000']);

      const solver = forkSolverEntry(path.join(isolated, 'solver.mjs'), 60_000);
      children.push(solver.child);
      const results = await solveSweepBatch(solver, spec, plan, indices);
      const byLabel = new Map(results.map((r) => [plan.label(r.i), r]));
      // Wyndor: max 300 doors + P windows s.t. doors ≤ 4, 2 windows ≤ 12, 3 doors + 2 windows ≤ 18:
      // the optimum is the best vertex of that polygon, computed here independently of GLPK.
      const vertices = [
        [0, 0],
        [4, 0],
        [4, 3],
        [2, 6],
        [0, 6],
      ] as const;
      const best = (p: number): number => Math.max(...vertices.map(([d, w]) => 300 * d + p * w));
      expect(byLabel.get('P=500')).toMatchObject({ status: 'optimal', engine: 'glpk' });
      expect(byLabel.get('P=500')?.objective).toBeCloseTo(3600, 6);
      expect(byLabel.get('P=500')?.values).toMatchObject({
        doors: expect.closeTo(2, 6),
        windows: expect.closeTo(6, 6),
      });
      for (const p of [100, 500, 1000]) expect(byLabel.get(`P=${p}`)?.objective, `P=${p}`).toBeCloseTo(best(p), 6);
      expect(await shutDown(solver)).toBe(0);
    } finally {
      rmSync(isolated, { recursive: true, force: true });
    }
  }, 90_000);
});
