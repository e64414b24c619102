/**
 * `npm run dist`: the installers for this machine's platform (or --platform/--arch).
 *   1. `electron-forge package` builds the Vite bundles and packages the app (asar, unpacked
 *      solver entry, examples, fuses) into out/Solver Farm-<platform>-<arch>/.
 *   2. `electron-builder --prepackaged` wraps that app into the installers named in
 *      electron-builder.config.ts: AppImage + deb (linux), NSIS (win32), DMG (darwin),
 *      written to out/installers/.
 * Needs internet the first time: Forge downloads the Electron zip, electron-builder its
 * tools (AppImage runtime, fpm for deb, NSIS). Build each platform's installers on that
 * platform (a DMG needs macOS; Windows metadata and icons need Windows or Wine).
 *
 *   node scripts/dist.ts [--platform=linux|win32|darwin] [--arch=x64|arm64]
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const PRODUCT_NAME = 'Solver Farm';
const BUILDER_FLAG: Record<string, string> = { linux: '--linux', win32: '--win', darwin: '--mac' };
const ARCHES = ['x64', 'arm64', 'ia32', 'armv7l'];

/** The folder `electron-forge package` writes, and the path electron-builder's --prepackaged wants. */
export function prepackagedPath(root: string, platform: string, arch: string): string {
  const dir = path.join(root, 'out', `${PRODUCT_NAME}-${platform}-${arch}`);
  return platform === 'darwin' ? path.join(dir, `${PRODUCT_NAME}.app`) : dir;
}

function option(name: string, fallback: string): string {
  const arg = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  return arg === undefined ? fallback : arg.slice(name.length + 3);
}

function run(command: string, args: string[]): void {
  const bin = path.join(ROOT, 'node_modules', '.bin', process.platform === 'win32' ? `${command}.cmd` : command);
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(bin, args, { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.error) throw new Error(`Could not run ${command}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${command} failed (exit code ${result.status ?? result.signal}).`);
}

if (import.meta.main) {
  try {
    const platform = option('platform', process.platform);
    const arch = option('arch', process.arch);
    const flag = BUILDER_FLAG[platform];
    if (flag === undefined) throw new Error(`Unknown --platform=${platform}: expected linux, win32 or darwin.`);
    if (!ARCHES.includes(arch)) throw new Error(`Unknown --arch=${arch}: expected one of ${ARCHES.join(', ')}.`);
    run('electron-forge', ['package', `--platform=${platform}`, `--arch=${arch}`]);
    const app = prepackagedPath(ROOT, platform, arch);
    if (!existsSync(app)) throw new Error(`Forge did not write ${app}; see its output above.`);
    run('electron-builder', [
      '--config',
      'electron-builder.config.ts',
      '--prepackaged',
      app,
      flag,
      `--${arch}`,
      '--publish',
      'never',
    ]);
    console.log(`Installers are in ${path.join(ROOT, 'out', 'installers')}`);
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
