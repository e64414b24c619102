/**
 * Electron Forge: Vite builds the main process, the preload, the solver process entry and
 * the renderer into .vite/ (see the vite.*.config.ts files); packaging keeps .vite/ only,
 * ships examples/ as an extra resource, and unpacks the solver entry and its wasm from the
 * asar so utilityProcess runs them from real files.
 */

import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { FusesPlugin } from '@electron-forge/plugin-fuses';
import { VitePlugin, type VitePluginConfig } from '@electron-forge/plugin-vite';
import type { ForgeConfig } from '@electron-forge/shared-types';
import { APP_FILE_TYPES } from './electron/file-types.ts';
import { APP_ID } from './electron-builder.config.ts';

/** The Vite targets, shared with electron/build-bundles.ts (which builds them without Electron). */
export const vitePluginConfig: VitePluginConfig = {
  build: [
    // → .vite/build/main.cjs (package.json "main")
    { entry: 'electron/main.ts', config: 'vite.main.config.ts', target: 'main' },
    // → .vite/build/preload.cjs
    { entry: 'electron/preload.ts', config: 'vite.preload.config.ts', target: 'preload' },
    // → .vite/build/solver.mjs + glpk.wasm + highs.wasm (ESM: see vite.solver.config.ts)
    { entry: 'solver/solver-process/main.ts', config: 'vite.solver.config.ts', target: 'main' },
  ],
  // → .vite/renderer/main_window/index.html
  renderer: [{ name: 'main_window', config: 'vite.renderer.config.ts' }],
  // Two cores on the build machines: one Vite build at a time.
  concurrent: 1,
};

const config: ForgeConfig = {
  packagerConfig: {
    name: 'Solver Farm',
    executableName: 'solver-farm',
    appBundleId: APP_ID,
    // build/icon.icns on macOS, build/icon.ico on Windows (made by scripts/make-icons.ts).
    icon: 'build/icon',
    // macOS reads file associations from the bundle's Info.plist, which electron-builder
    // leaves alone for a prepackaged app: declare the document types here.
    extendInfo: {
      CFBundleDocumentTypes: APP_FILE_TYPES.map((type) => ({
        CFBundleTypeName: type.name,
        CFBundleTypeExtensions: [...type.extensions],
        CFBundleTypeRole: 'Editor',
        LSHandlerRank: type.role === 'job' ? 'Owner' : 'Alternate',
      })),
    },
    asar: {
      // The solver process is plain Node running an ES module that reads its wasm beside
      // itself: keep those as real files (app.asar.unpacked/.vite/build/…).
      unpack: '{solver.mjs,solver.mjs.map,glpk.wasm,highs.wasm}',
    },
    // Built-in example jobs (and the files they reference, e.g. berlin52.tsp): resources/examples.
    extraResource: ['examples'],
    // Offline packaging (tests, air-gapped builds): a folder holding electron-v<version>-<platform>-<arch>.zip.
    ...(process.env.SOLVER_FARM_ELECTRON_ZIP_DIR ? { electronZipDir: process.env.SOLVER_FARM_ELECTRON_ZIP_DIR } : {}),
  },
  rebuildConfig: {},
  makers: [],
  plugins: [
    new VitePlugin(vitePluginConfig),
    // Applied when packaging only; `electron-forge start` and Playwright run the unfused binary.
    new FusesPlugin({
      version: FuseVersion.V1,
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableCookieEncryption]: true,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      // file:// pages would otherwise get privileges no web page has (reading any local file
      // they name). The app's page is served over app:// (electron/app-protocol.ts), so none
      // of ours needs them.
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
    }),
  ],
};

export default config;
