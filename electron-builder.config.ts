/**
 * electron-builder: the installers (AppImage and deb for Linux, NSIS for Windows, DMG for
 * macOS), built from the app Forge already packaged — `electron-builder --prepackaged
 * <out/Solver Farm-…>` (scripts/dist.ts). Forge owns the app itself (Vite bundles, asar,
 * unpacked solver entry, fuses); electron-builder only wraps it, so it never repacks the
 * asar and the fuses Forge flipped stay flipped.
 *
 * electron-builder finds this file by its name and loads it with jiti; test/packaging
 * checks it with app-builder-lib's own schema validation.
 */
import type { Configuration } from 'electron-builder';
import { APP_FILE_TYPES } from './electron/file-types.ts';

/** Reverse-DNS id: Windows AppUserModelID, macOS bundle id (forge.config.ts uses the same). */
export const APP_ID = 'com.solverfarm.app';
export const PRODUCT_NAME = 'Solver Farm';

const config: Configuration = {
  appId: APP_ID,
  productName: PRODUCT_NAME,
  copyright: 'Copyright © 2026 Solver Farm contributors',
  directories: {
    // build/: icon.png (1024 px), icons/<N>x<N>.png; out/ is where Forge packages (git-ignored).
    buildResources: 'build',
    output: 'out/installers',
  },
  // Nothing native to rebuild, and with --prepackaged the app's files are Forge's.
  npmRebuild: false,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: electron-builder expands these macros itself.
  artifactName: 'solver-farm-${version}-${os}-${arch}.${ext}',
  fileAssociations: APP_FILE_TYPES.map((type) => ({
    ext: [...type.extensions],
    name: type.name,
    description: type.name,
    mimeType: type.mimeType,
    role: 'Editor',
  })),
  linux: {
    target: ['AppImage', 'deb'],
    executableName: 'solver-farm',
    // A folder of <size>x<size>.png files, 16 … 1024 px.
    icon: 'build/icons',
    category: 'Science',
    synopsis: 'Run LP/MIP sweeps and parallel searches on every core',
    description:
      'A desktop control panel that runs optimization work (LP/MIP sweeps with GLPK or HiGHS, TSP local search) on one solver process per core, with live logs, progress and results.',
    maintainer: 'Solver Farm contributors <maintainers@solverfarm.invalid>',
    vendor: 'Solver Farm',
  },
  deb: {
    // electron-builder's default `depends` list (GTK 3, NSS, libsecret, …) is what Electron needs.
    packageCategory: 'science',
  },
  win: {
    // The architecture is the prepackaged app's (scripts/dist.ts passes it).
    target: ['nsis'],
    icon: 'build/icon.ico',
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: PRODUCT_NAME,
    // Keep the user's runs and settings (%APPDATA%\Solver Farm) when uninstalling.
    deleteAppDataOnUninstall: false,
  },
  mac: {
    target: ['dmg'],
    icon: 'build/icon.icns',
    category: 'public.app-category.developer-tools',
    // Document types for a prepackaged .app come from Forge (packagerConfig.extendInfo).
  },
  dmg: {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: electron-builder expands these macros itself.
    title: '${productName} ${version}',
  },
  publish: null,
};

export default config;
