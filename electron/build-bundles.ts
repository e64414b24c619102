/**
 * Build every Vite bundle of the desktop app exactly as `electron-forge package` does
 * (same targets from forge.config.ts, same config generation: Forge's own build worker),
 * but without downloading or launching Electron. Used by `npm run build:bundles` and the
 * bundle test. Output: .vite/build/{main.cjs,preload.cjs,solver.mjs,*.wasm} and
 * .vite/renderer/main_window/.
 *
 *   node electron/build-bundles.ts [--only=build|renderer]
 */
import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { vitePluginConfig } from '../forge.config.ts';

const PROJECT_DIR = path.resolve(import.meta.dirname, '..');

/** Forge's per-target build worker (the one `electron-forge package` spawns). */
function forgeBuildWorker(): string {
  const pluginEntry = fileURLToPath(import.meta.resolve('@electron-forge/plugin-vite'));
  return path.join(path.dirname(pluginEntry), 'subprocess-worker.js');
}

function runTarget(kind: 'build' | 'renderer', index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [forgeBuildWorker()], {
      cwd: PROJECT_DIR,
      env: {
        ...process.env,
        FORGE_VITE_PROJECT_DIR: PROJECT_DIR,
        FORGE_VITE_KIND: kind,
        FORGE_VITE_INDEX: String(index),
        FORGE_VITE_CONFIG: JSON.stringify({ build: vitePluginConfig.build, renderer: vitePluginConfig.renderer }),
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`Vite build of ${kind} target ${index} failed (${signal ?? `exit code ${code}`}).`));
    });
  });
}

/** Build the bundles into .vite/ (cleaned first, as Forge does before packaging). */
export async function buildBundles(
  options: { only?: 'build' | 'renderer'; log?: (line: string) => void } = {},
): Promise<void> {
  const log = options.log ?? ((line: string) => console.log(line));
  if (options.only === undefined) await rm(path.join(PROJECT_DIR, '.vite'), { recursive: true, force: true });
  if (options.only !== 'renderer') {
    for (const [index, target] of vitePluginConfig.build.entries()) {
      log(`Building ${String(target.entry)} (${target.config})…`);
      await runTarget('build', index);
    }
  }
  if (options.only !== 'build') {
    for (const [index, target] of vitePluginConfig.renderer.entries()) {
      log(`Building renderer ${target.name} (${target.config})…`);
      await runTarget('renderer', index);
    }
  }
}

if (import.meta.main) {
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (only !== undefined && only !== 'build' && only !== 'renderer') {
    console.error(`Unknown --only=${only}: expected --only=build or --only=renderer.`);
    process.exit(2);
  }
  buildBundles(only === undefined ? {} : { only }).then(
    () => console.log('Bundles built in .vite/'),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
