/**
 * No `shell.openExternal` with untrusted input (Electron's security checklist, item 15).
 * openExternal hands a URL to the OS, which runs whatever program claims its scheme: with a
 * URL the page (or a job file) chose, that is code execution. The app needs no external
 * links today, so the rule is strict: in every source file that ships (electron/, solver/,
 * renderer/src/), each mention of `openExternal` must be a direct call with one literal
 * `https://` URL — anything else (a variable, a template, destructuring, `shell['openExternal']`)
 * fails, and the message says where. electronegativity's OPEN_EXTERNAL_JS_CHECK looks for the
 * same thing (test/security/electronegativity.test.ts shows it firing on a fixture); this test
 * is stricter and does not depend on the scanner following the code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const SHIPPED = ['electron', 'solver', path.join('renderer', 'src')];

/** Source text with comments blanked (strings kept: `'openExternal'` in a string still counts). */
function withoutComments(source: string): string {
  let out = '';
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end === -1 ? source.length : end + 2;
      // Keep the newlines so that line numbers stay right.
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      // Copy a string as is, so that `//` inside one is not taken for a comment.
      let j = i + 1;
      while (j < source.length && source[j] !== c) j += source[j] === '\\' ? 2 : 1;
      out += source.slice(i, j + 1);
      i = j + 1;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** A call that passes one literal https URL, e.g. `shell.openExternal('https://example.org/docs')`. */
const FIXED_HTTPS_CALL = /\.openExternal\(\s*(['"])https:\/\/[^'"\s`$\\]+\1\s*(?:,\s*\{[^}]*\}\s*)?\)/y;

/** Every mention of openExternal in `source` that is not a call with a fixed https URL, as `line: text`. */
function unsafeOpenExternalUses(source: string): string[] {
  const code = withoutComments(source);
  const found: string[] = [];
  for (const match of code.matchAll(/openExternal/g)) {
    const start = match.index - 1;
    FIXED_HTTPS_CALL.lastIndex = start;
    if (start >= 0 && FIXED_HTTPS_CALL.test(code)) continue;
    const line = code.slice(0, match.index).split('\n').length;
    found.push(`${line}: ${source.split('\n')[line - 1]?.trim()}`);
  }
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(?:[cm]?[jt]s|tsx|jsx)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe('shell.openExternal', () => {
  it('is never called with anything but a fixed https URL in the shipped sources', () => {
    const files = SHIPPED.flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    // The scan really covers the main process, the preload and the page.
    const relative = files.map((file) => path.relative(ROOT, file).replaceAll('\\', '/'));
    expect(relative).toEqual(expect.arrayContaining(['electron/main.ts', 'electron/preload.ts', 'electron/menu.ts']));
    expect(relative.some((file) => file.startsWith('renderer/src/'))).toBe(true);
    const offences = files.flatMap((file) =>
      unsafeOpenExternalUses(readFileSync(file, 'utf8')).map((use) => `${path.relative(ROOT, file)}:${use}`),
    );
    expect(offences).toEqual([]);
  });

  it('the check is real: it flags untrusted and indirect uses, at their line, and allows a fixed https link', () => {
    const source = [
      "import { shell } from 'electron';",
      '// shell.openExternal(url) in a comment is not a call',
      'shell.openExternal(url);',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the fixture is source code with a template literal.
      'void shell.openExternal(`https://example.org/${page}`);',
      "shell.openExternal('http://example.org/');",
      "shell.openExternal('file:///etc/passwd');",
      'const { openExternal } = shell;',
      "shell['openExternal']('https://example.org/');",
      "void shell.openExternal('https://solverfarm.invalid/docs/install', { activate: true });",
      'await shell.openExternal("https://example.org/a?b=c");',
      "const s = 'not // a comment'; shell.openExternal(s);",
    ].join('\n');
    expect(unsafeOpenExternalUses(source).map((use) => Number(use.split(':')[0]))).toEqual([3, 4, 5, 6, 7, 8, 11]);
  });
});
