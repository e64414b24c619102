/**
 * Builds the control panel and starts the real browser-mode server (`solver-farm serve`,
 * two solver processes) for the e2e suite; the teardown it returns stops the server, which
 * kills its solver processes. The page URL (with the token in its fragment) reaches the tests as FARM_URL.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FullConfig } from '@playwright/test';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

async function buildRenderer(): Promise<void> {
  // Always rebuild: a stale dist/renderer would test yesterday's panel. Takes about a second.
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
}

function startServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    // The suite's own fixture kinds (chatty, …) are custom modules: serve loads them only from here.
    [
      path.join(ROOT, 'bin', 'solver-farm.js'),
      'serve',
      '--port',
      '0',
      '--cores',
      '2',
      '--allow-modules',
      path.join(ROOT, 'test', 'e2e', 'fixtures'),
    ],
    {
      // serve records runs in runs/ under its working folder: a fresh one per test session,
      // so the run history the tests see holds only their own runs (and the repo stays clean).
      cwd: dataDir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0' },
    },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`solver-farm serve printed no URL within 60 s.\nstdout: ${out}\nstderr: ${err}`));
    }, 60_000);
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const m = /(http:\/\/\S+#token=\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.stderr?.on('data', (chunk: string) => {
      err += chunk;
      if (process.env.E2E_SERVER_LOG) process.stderr.write(chunk);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(
          `solver-farm serve exited (${code ?? signal}) before printing its URL.\nstdout: ${out}\nstderr: ${err}`,
        ),
      );
    });
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export default async function globalSetup(config: FullConfig): Promise<() => Promise<void>> {
  const wantsE2e = config.projects.some((p) => p.name === 'e2e');
  if (!wantsE2e) return async () => {};
  // E2E_SKIP_BUILD=1 tests whatever dist/renderer holds (e.g. an unminified build for profiling).
  if (!process.env.E2E_SKIP_BUILD) await buildRenderer();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'solver-farm-e2e-'));
  const { child, url } = await startServer(dataDir).catch((err: unknown) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  process.env.FARM_URL = url;
  process.env.FARM_DATA_DIR = dataDir;
  return async () => {
    await stopServer(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
