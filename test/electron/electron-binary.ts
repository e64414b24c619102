/**
 * Where the Electron binary is, or why there is none. The `electron` package downloads
 * its binary in a postinstall step and records it in node_modules/electron/path.txt;
 * without network access to the Electron releases (our machines) only the types exist.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronBinary = { ok: true; executablePath: string } | { ok: false; reason: string };

export function findElectronBinary(): ElectronBinary {
  const require = createRequire(import.meta.url);
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (npm install)' };
  }
  const fromEnv = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pathFile = path.join(packageDir, 'path.txt');
  if (fromEnv === undefined && !existsSync(pathFile)) {
    return {
      ok: false,
      reason: `no Electron binary: ${pathFile} is missing (the electron postinstall could not download the binary; run \`node node_modules/electron/install.js\` where the Electron releases are reachable)`,
    };
  }
  const executablePath =
    fromEnv !== undefined
      ? path.join(fromEnv, process.platform === 'win32' ? 'electron.exe' : 'electron')
      : path.join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(executablePath)) return { ok: false, reason: `no Electron binary at ${executablePath}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'no display for Electron on Linux: run under xvfb-run' };
  }
  return { ok: true, executablePath };
}
