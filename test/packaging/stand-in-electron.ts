/**
 * A stand-in for Electron's release zip (electron-v<version>-linux-x64.zip), built by the
 * packaging tests so that Forge can package the app here, where the real zip cannot be
 * downloaded. Laid out like the real one: an `electron` executable, resources/default_app.asar,
 * LICENSE, LICENSES.chromium.html, version, the .pak/.dat/.bin files and locales/. The
 * executable is a shell script that only says it is a stand-in, carrying an Electron fuse
 * wire with Electron's default states, so Forge's FusesPlugin can flip it exactly as it
 * flips a real binary's.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { createPackage } from '@electron/asar';

/** Where the fuse wire starts in an Electron binary (@electron/fuses looks for it). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 45's nine V1 fuses in their shipped states ('1' on, '0' off), in FuseV1Options
 * order: RunAsNode 1, EnableCookieEncryption 0, EnableNodeOptionsEnvironmentVariable 1,
 * EnableNodeCliInspectArguments 1, EnableEmbeddedAsarIntegrityValidation 0,
 * OnlyLoadAppFromAsar 0, LoadBrowserProcessSpecificV8Snapshot 0,
 * GrantFileProtocolExtraPrivileges 1, WasmTrapHandlers 1.
 */
export const DEFAULT_FUSE_WIRE = '101100011';

interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix mode bits; 0o644 unless given. */
  mode?: number;
}

/** A zip archive (deflate, Unix permissions in the external attributes) written in memory. */
export function zipArchive(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const crc = crc32(entry.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(0x21, 12); // date: 1980-01-01, as Electron's zips have
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE(((0o100000 | (entry.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const centralDir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralDir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralDir, end]);
}

/** The stand-in `electron` executable: a script that refuses to run, with a fuse wire inside. */
export function standInExecutable(version: string): Buffer {
  const script = [
    '#!/bin/sh',
    `# Stand-in for the Electron ${version} binary, made by Solver Farm's packaging tests.`,
    'echo "This is a stand-in for Electron made by a test; it cannot run the app." >&2',
    'exit 1',
    '',
  ].join('\n');
  const wire = Buffer.concat([
    Buffer.from(`# fuses: ${FUSE_SENTINEL}`, 'latin1'),
    Buffer.from([1, DEFAULT_FUSE_WIRE.length]),
    Buffer.from(DEFAULT_FUSE_WIRE, 'latin1'),
    Buffer.from('\n', 'latin1'),
  ]);
  return Buffer.concat([Buffer.from(script, 'utf8'), wire]);
}

/**
 * Write `electron-v<version>-linux-x64.zip` into `dir` (the folder to give Forge as
 * SOLVER_FARM_ELECTRON_ZIP_DIR) and return the zip's path.
 */
export async function writeStandInElectronZip(dir: string, version: string): Promise<string> {
  // resources/default_app.asar: a real asar, as in Electron's zip (packager deletes it).
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'stand-in-default-app-'));
  let defaultApp: Buffer;
  try {
    const appDir = path.join(scratch, 'default_app');
    mkdirSync(appDir);
    writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'electron', main: 'main.js' }));
    writeFileSync(path.join(appDir, 'main.js'), '// stand-in default app\n');
    await createPackage(appDir, path.join(scratch, 'default_app.asar'));
    defaultApp = readFileSync(path.join(scratch, 'default_app.asar'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const text = (s: string): Buffer => Buffer.from(s, 'utf8');
  const entries: ZipEntry[] = [
    { name: 'electron', data: standInExecutable(version), mode: 0o755 },
    { name: 'chrome-sandbox', data: text('stand-in\n'), mode: 0o755 },
    { name: 'chrome_crashpad_handler', data: text('stand-in\n'), mode: 0o755 },
    { name: 'resources/default_app.asar', data: defaultApp },
    { name: 'LICENSE', data: text('Copyright (c) Electron contributors\nCopyright (c) 2013-2020 GitHub Inc.\n') },
    { name: 'LICENSES.chromium.html', data: text('<!doctype html><title>Chromium licenses (stand-in)</title>\n') },
    { name: 'version', data: text(version) },
    { name: 'chrome_100_percent.pak', data: text('stand-in') },
    { name: 'chrome_200_percent.pak', data: text('stand-in') },
    { name: 'resources.pak', data: text('stand-in') },
    { name: 'icudtl.dat', data: text('stand-in') },
    { name: 'snapshot_blob.bin', data: text('stand-in') },
    { name: 'v8_context_snapshot.bin', data: text('stand-in') },
    { name: 'libffmpeg.so', data: text('stand-in') },
    { name: 'libEGL.so', data: text('stand-in') },
    { name: 'libGLESv2.so', data: text('stand-in') },
    { name: 'libvk_swiftshader.so', data: text('stand-in') },
    { name: 'vk_swiftshader_icd.json', data: text('{}') },
    { name: 'locales/en-US.pak', data: text('stand-in') },
  ];
  mkdirSync(dir, { recursive: true });
  const zip = path.join(dir, `electron-v${version}-linux-x64.zip`);
  writeFileSync(zip, zipArchive(entries));
  return zip;
}
