/**
 * Serving the built control panel from one folder: correct MIME types, no directory
 * traversal, nothing outside the folder, no directory listings.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** MIME type for a file name; unknown extensions are served as opaque bytes. */
export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Map a URL path onto a file inside `root`, or null when the path is malformed or would
 * leave `root` (`..`, encoded `%2e%2e`, backslashes, NUL bytes). `/` maps to index.html.
 */
export function resolveStaticPath(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  // Reject any `..` segment outright rather than normalising it away: a request that
  // tries to climb out is never a legitimate asset request.
  if (decoded.split('/').some((segment) => segment === '..')) return null;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const absoluteRoot = path.resolve(root);
  const file = path.resolve(absoluteRoot, `.${path.posix.normalize(`/${relative}`)}`);
  if (file !== absoluteRoot && !file.startsWith(absoluteRoot + path.sep)) return null;
  return file;
}

/**
 * Send `file` (already resolved inside the root) with its MIME type. Resolves false when
 * the file does not exist or is not a regular file, so the caller can answer 404.
 */
export async function sendFile(res: ServerResponse, file: string, method: string): Promise<boolean> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) return false;
    size = info.size;
  } catch {
    return false;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', mimeType(file));
  res.setHeader('Content-Length', size);
  // Hashed asset names never change content; index.html must always be re-read.
  res.setHeader('Cache-Control', file.endsWith('.html') ? 'no-store' : 'private, max-age=3600');
  if (method === 'HEAD') {
    res.end();
    return true;
  }
  await new Promise<void>((resolve) => {
    const stream = createReadStream(file);
    stream.on('error', () => {
      res.destroy();
      resolve();
    });
    stream.on('end', resolve);
    stream.pipe(res);
  });
  return true;
}
