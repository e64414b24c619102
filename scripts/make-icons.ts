/**
 * Regenerate the app icons from build/icon.svg (run after editing the SVG; the results are
 * committed, so builds need none of this):
 *   build/icons/<N>x<N>.png (16 … 1024, Linux), build/icon.png (1024),
 *   build/icon.ico (Windows: PNG-compressed entries 16 … 256),
 *   build/icon.icns (macOS: PNG entries 16 … 1024).
 * Rasterizing needs `rsvg-convert` (Debian: apt-get install librsvg2-bin); the .ico and
 * .icns containers are written here, they only wrap the PNGs.
 *
 *   node scripts/make-icons.ts
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const BUILD = path.resolve(import.meta.dirname, '..', 'build');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024] as const;

/** A Windows .ico whose images are PNG streams (valid since Windows Vista). */
export function icoFromPngs(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const entry = Buffer.alloc(16);
    entry.writeUInt8(size >= 256 ? 0 : size, 0); // 0 means 256
    entry.writeUInt8(size >= 256 ? 0 : size, 1);
    entry.writeUInt8(0, 2); // no palette
    entry.writeUInt8(0, 3);
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(entry);
  }
  return Buffer.concat([header, ...entries, ...images.map((image) => image.png)]);
}

/** Apple icon types that hold a PNG of the given pixel size (macOS 10.7+). */
const ICNS_TYPES: Record<number, string[]> = {
  16: ['icp4'],
  32: ['icp5', 'ic11'],
  64: ['icp6', 'ic12'],
  128: ['ic07'],
  256: ['ic08', 'ic13'],
  512: ['ic09', 'ic14'],
  1024: ['ic10'],
};

/** A macOS .icns holding the PNGs as they are. */
export function icnsFromPngs(images: { size: number; png: Buffer }[]): Buffer {
  const chunks: Buffer[] = [];
  for (const { size, png } of images) {
    for (const type of ICNS_TYPES[size] ?? []) {
      const head = Buffer.alloc(8);
      head.write(type, 0, 'ascii');
      head.writeUInt32BE(8 + png.length, 4);
      chunks.push(head, png);
    }
  }
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

if (import.meta.main) {
  const svg = path.join(BUILD, 'icon.svg');
  mkdirSync(path.join(BUILD, 'icons'), { recursive: true });
  const images = SIZES.map((size) => {
    const file = path.join(BUILD, 'icons', `${size}x${size}.png`);
    execFileSync('rsvg-convert', ['-w', String(size), '-h', String(size), svg, '-o', file]);
    return { size, png: readFileSync(file) };
  });
  copyFileSync(path.join(BUILD, 'icons', '1024x1024.png'), path.join(BUILD, 'icon.png'));
  writeFileSync(path.join(BUILD, 'icon.ico'), icoFromPngs(images.filter((image) => image.size <= 256)));
  writeFileSync(path.join(BUILD, 'icon.icns'), icnsFromPngs(images));
  console.log(`Icons written to ${BUILD}`);
}
