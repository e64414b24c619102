/**
 * Where each security point of the 'Installers and security hardening' issue is proven.
 * The tests live beside the code they exercise; this file does not repeat them. It names
 * them, and fails when one of them is renamed, moved or deleted, so the map (and the
 * allowlist reasons that cite these files) cannot quietly point at nothing.
 *
 * - IPC handlers refuse a foreign sender (another window, a sub-frame, a foreign page, a
 *   destroyed frame), on every FarmApi channel, without reaching the farm:
 *   test/electron-unit/ipc.test.ts; the shell's own channels (menu, opened files) likewise:
 *   test/electron-unit/desktop.test.ts, test/electron-unit/open-file.test.ts.
 * - The CSP blocks a script from another origin in a real Chromium (never fetched, never
 *   run; a control page without the policy runs it): test/security/csp.test.ts; the same
 *   policy is put on every Electron response: test/electron-unit/security.test.ts.
 * - Navigation away from the app page (sub-frames included) and window.open are denied, on
 *   every web contents the app creates: test/electron-unit/security.test.ts,
 *   test/electron-unit/desktop.test.ts; so is every device (HID, serial, USB, Bluetooth):
 *   test/electron-unit/security.test.ts.
 * - The packaged page is served over app://, from the renderer folder only (no traversal):
 *   test/electron-unit/app-protocol.test.ts, test/electron-unit/desktop.test.ts.
 * - The desktop page cannot choose code or files: a custom module loads only from a job file
 *   the user opened, sent back unchanged; never at preview; a page's job reads only what the
 *   user opened: test/electron-unit/ipc-job-access.test.ts (real farm, real processes).
 * - Browser mode refuses WebSocket upgrades without the token, and requests from another
 *   origin: test/solver/serve/serve.test.ts; the token reaches no other origin, not even another
 *   port of 127.0.0.1 (no cookie), in a real Chromium: test/e2e/token-isolation.spec.ts.
 * - No shell.openExternal with untrusted input: test/security/open-external.test.ts.
 * - electronegativity gate: test/security/electronegativity.test.ts.
 * - Fuses: test/packaging/fuses-config.test.ts (configuration) and
 *   test/packaging/package-smoke.test.ts (flipped in a packaged executable).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Point of the issue → the test files and the (parts of) test titles that prove it. */
const PROOFS: Record<string, [file: string, title: string][]> = {
  'IPC handlers refuse a foreign sender': [
    ['test/electron-unit/ipc.test.ts', 'on every channel, without touching the farm'],
    ['test/electron-unit/ipc.test.ts', "'a foreign page in the window'"],
    ['test/electron-unit/desktop.test.ts', 'only the app page can say so'],
    ['test/electron-unit/open-file.test.ts', 'never delivers to a foreign page claiming to listen'],
  ],
  'the CSP blocks a script from another origin': [
    ['test/security/csp.test.ts', 'blocks a <script> from another origin'],
    ['test/security/csp.test.ts', 'control: without the policy, the same foreign script is fetched and runs'],
    ['test/electron-unit/security.test.ts', 'puts the CSP on every response'],
  ],
  'navigation and window.open are denied': [
    ['test/electron-unit/security.test.ts', 'cancels navigation away from the app page, denies window.open'],
    ['test/electron-unit/desktop.test.ts', 'hardens every web contents the app creates'],
    ['test/electron-unit/security.test.ts', 'cancels frame navigations (will-frame-navigate)'],
  ],
  'devices are denied': [
    ['test/electron-unit/security.test.ts', 'denies every device (HID, serial, USB)'],
    ['test/electron-unit/security.test.ts', 'cancels Web Bluetooth device pickers'],
  ],
  'the packaged page is served over app:// from the renderer folder only': [
    ['test/electron-unit/app-protocol.test.ts', 'never serves a file outside the renderer folder'],
    ['test/electron-unit/desktop.test.ts', 'registers app:// as privileged before ready'],
  ],
  'the desktop page cannot choose code or files': [
    ['test/electron-unit/ipc-job-access.test.ts', 'refuses a page-made custom job with an absolute module'],
    ['test/electron-unit/ipc-job-access.test.ts', 'refuses the job file once the page changed it'],
    ['test/electron-unit/ipc-job-access.test.ts', 'refuses a page job naming /etc/passwd'],
  ],
  'browser mode refuses tokenless and cross-origin connections': [
    ['test/solver/serve/serve.test.ts', 'refuses requests from another site'],
    ['test/solver/serve/serve.test.ts', 'refuses WebSocket upgrades without the token, from a foreign Origin'],
    ['test/solver/serve/serve.test.ts', 'never sets a cookie'],
    ['test/e2e/token-isolation.spec.ts', 'the access token reaches no other origin, not even another port'],
  ],
  'no shell.openExternal with untrusted input': [
    ['test/security/open-external.test.ts', 'is never called with anything but a fixed https URL'],
  ],
  'electronegativity fails on findings not in the allowlist': [
    ['test/security/electronegativity.test.ts', 'passes on electron/ and the shipped CSPs'],
    ['test/security/electronegativity.test.ts', 'fails on an app without isolation'],
  ],
  fuses: [
    ['test/packaging/fuses-config.test.ts', 'turns off Node-as-a-shell'],
    ['test/packaging/fuses-config.test.ts', 'file:// extra privileges'],
    ['test/packaging/package-smoke.test.ts', "flips the executable's fuses"],
  ],
};

describe('security checklist', () => {
  for (const [point, proofs] of Object.entries(PROOFS)) {
    it(`${point}: the tests that prove it exist`, () => {
      for (const [file, title] of proofs) {
        const full = path.join(ROOT, file);
        expect(existsSync(full), `${file} is missing`).toBe(true);
        expect(readFileSync(full, 'utf8'), `${file} has no test '${title}'`).toContain(title);
      }
    });
  }
});
