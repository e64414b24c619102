// Runs electronegativity's scanner (its programmatic entry, dist/runner.js) on one folder and
// writes its findings as SARIF plus the files it could not parse as JSON. Started by
// scripts/electronegativity-gate.ts, which decides pass or fail from these files.
//   node scripts/electronegativity-run.cjs <input dir> <out.sarif> <errors.json> <electron version> [excluded,checks]
//
// Two workarounds, both local to this process:
// - electronegativity parses TypeScript with @typescript-eslint/typescript-estree 4, which needs
//   the TypeScript *compiler API*. The project's own TypeScript is 7 (the native compiler, no
//   such API) and npm hoists typescript-estree next to it. package.json's `overrides` gives
//   electronegativity its own TypeScript 5.9; the resolve hook below makes typescript-estree and
//   tsutils load that copy, and leaves every other `require('typescript')` alone.
// - its CLI (dist/index.js) needs an old `commander` it does not declare (the project has 15):
//   calling the runner directly avoids the CLI.
// - it fetches translations and Electron's release list over the network with `got`, whose
//   failed retry later throws from a timer. The scan must not depend on the network: `got`
//   is replaced by a stub that fails at once (translations fall back to the bundled English;
//   the release-list check is excluded by the gate).
const Module = require('node:module');
const fs = require('node:fs');
const path = require('node:path');

const electronegativityDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'));
const compilerApi = require.resolve('typescript', { paths: [electronegativityDir] });
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveTypeScript(request, parent, ...rest) {
  if (
    request === 'typescript' &&
    parent?.filename &&
    /[\\/]node_modules[\\/](@typescript-eslint|tsutils)[\\/]/.test(parent.filename)
  ) {
    return compilerApi;
  }
  if (request === 'got' && parent?.filename?.startsWith(electronegativityDir)) return offlineGot;
  return originalResolve.call(this, request, parent, ...rest);
};
const offlineGot = path.join(__dirname, 'electronegativity-offline-got.cjs');

const [input, sarifFile, errorsFile, electronVersion, excluded = ''] = process.argv.slice(2);
if (!input || !sarifFile || !errorsFile || !electronVersion) {
  console.error(
    'usage: electronegativity-run.cjs <input dir> <out.sarif> <errors.json> <electron version> [excluded,checks]',
  );
  process.exit(2);
}
const run = require('@doyensec/electronegativity');

run(
  {
    input: path.resolve(input),
    output: sarifFile,
    isSarif: true,
    customScan: [],
    excludeFromScan: excluded.split(',').filter((check) => check !== ''),
    isRelative: true,
    isVerbose: false,
    electronUpgrade: undefined,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  },
  false,
).then(
  (result) => {
    fs.writeFileSync(
      errorsFile,
      JSON.stringify({ checks: result.globalChecks + result.atomicChecks, errors: result.errors }, null, 2),
    );
  },
  (err) => {
    console.error(err?.stack ? err.stack : String(err));
    process.exit(1);
  },
);
