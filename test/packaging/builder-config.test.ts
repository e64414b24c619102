/**
 * electron-builder's configuration (electron-builder.config.ts), loaded the way
 * electron-builder loads it and validated against its own schema (app-builder-lib's
 * validateConfiguration) — a typo in an option name fails here rather than on the release
 * machine. Also pins what the installers promise: the targets per platform, the identity,
 * the icons on disk, and file associations that agree with the app's open-file handling.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Configuration } from 'electron-builder';
import { describe, expect, it } from 'vitest';
import { APP_FILE_TYPES, openedFileRole } from '../../electron/file-types.ts';
import forgeConfig from '../../forge.config.ts';
import { prepackagedPath } from '../../scripts/dist.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Configuration>;
  validateConfiguration(config: Configuration, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

const load = (): Promise<Configuration> => getConfig(ROOT, path.join(ROOT, 'electron-builder.config.ts'), null);

describe('electron-builder.config.ts', () => {
  it("passes electron-builder's own schema validation", async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('the validation is real: a misspelt option is refused', async () => {
    const config = await load();
    const broken = { ...config, linux: { ...config.linux, targt: 'AppImage' } } as Configuration;
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/configuration\.linux/);
  });

  it('builds AppImage + deb, NSIS and DMG for Solver Farm (com.solverfarm.app), the same id Forge uses', async () => {
    const config = await load();
    expect(config.appId).toBe('com.solverfarm.app');
    expect(config.productName).toBe('Solver Farm');
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.win?.target).toEqual(['nsis']);
    expect(config.mac?.target).toEqual(['dmg']);
    expect(forgeConfig.packagerConfig?.appBundleId).toBe(config.appId);
    expect(forgeConfig.packagerConfig?.name).toBe(config.productName);
    expect(prepackagedPath('/p', 'darwin', 'arm64')).toBe('/p/out/Solver Farm-darwin-arm64/Solver Farm.app');
    expect(prepackagedPath('/p', 'linux', 'x64')).toBe('/p/out/Solver Farm-linux-x64');
  });

  it('points at icons that exist and are what they claim to be', async () => {
    const config = await load();
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) {
      const file = path.join(ROOT, String(config.linux?.icon), `${size}x${size}.png`);
      const bytes = readFileSync(file);
      expect(bytes.subarray(0, 8).equals(png), file).toBe(true);
      // PNG IHDR: width and height, big-endian, at bytes 16 and 20.
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], file).toEqual([size, size]);
    }
    const ico = readFileSync(path.join(ROOT, String(config.win?.icon)));
    expect([ico.readUInt16LE(0), ico.readUInt16LE(2)]).toEqual([0, 1]);
    expect(ico.readUInt8(6 + 16 * (ico.readUInt16LE(4) - 1))).toBe(0); // the largest entry is 256 px
    const icns = readFileSync(path.join(ROOT, String(config.mac?.icon)));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
    // Forge's `icon: build/icon` picks icon.icns / icon.ico per platform.
    for (const ext of ['icns', 'ico'])
      expect(existsSync(path.join(ROOT, `${forgeConfig.packagerConfig?.icon}.${ext}`))).toBe(true);
  });

  it('associates job files (.sfjob) and models (.lp, .mps) with the app, on every platform', async () => {
    const config = await load();
    const associations = config.fileAssociations as { ext: string[]; mimeType: string; name: string }[];
    expect(associations.flatMap((a) => a.ext).sort()).toEqual(['lp', 'mps', 'sfjob']);
    for (const a of associations) {
      expect(a.mimeType).toMatch(/^application\/x-[a-z-]+$/);
      for (const ext of a.ext) expect(openedFileRole(`model.${ext}`), ext).toBeDefined();
    }
    // macOS reads document types from Info.plist, written by Forge for the prepackaged app.
    const extendInfo = (forgeConfig.packagerConfig?.extendInfo ?? {}) as {
      CFBundleDocumentTypes?: { CFBundleTypeExtensions: string[] }[];
    };
    const docTypes = extendInfo.CFBundleDocumentTypes ?? [];
    expect(docTypes.flatMap((d) => d.CFBundleTypeExtensions).sort()).toEqual(['lp', 'mps', 'sfjob']);
    expect(APP_FILE_TYPES.map((t) => t.role)).toEqual(['job', 'model', 'model']);
  });
});
