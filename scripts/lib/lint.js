'use strict';
// Static checks: ESLint (typescript-eslint, type-aware), Prettier and Spectral (the committed openapi.json against
// spectral:oas and the OWASP API Security ruleset, .spectral.yaml). `npm run lint` and `npm test` check;
// `npm run lint:fix` fixes what can be fixed. No dependencies of its own beyond the tools.
const { spawnSync } = require('child_process');
const path = require('path');
const { root } = require('./install');

// The ESLint cache keys on each file's own content, so a type change elsewhere can hide a finding in an
// unchanged file until it changes: fine on a developer's machine, not in CI, which starts clean anyway.
const cache = process.env.CI ? [] : ['--cache', '--cache-location', path.join('node_modules', '.cache', 'eslint') + path.sep];

function run(label, script, args) {
  console.log(`» ${label}…`);
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', ...script), ...args], { cwd: root, stdio: 'inherit' });
  return result.status === 0;
}

/** Spectral on the committed openapi.json (test/schema.e2e-spec.ts keeps it equal to what the app serves); true at 0 errors. */
function lintApi() {
  return run(
    'Linting the API contract (spectral lint openapi.json, .spectral.yaml)',
    ['@stoplight', 'spectral-cli', 'dist', 'index.js'],
    ['lint', 'openapi.json', '--ruleset', '.spectral.yaml', '--fail-severity', 'warn', '--display-only-failures'],
  );
}

/** Runs ESLint, Prettier and Spectral over the repository, and type-checks the web app against openapi.json; true when all are clean. */
function lint({ fix = false } = {}) {
  // The web app's API types come from the committed openapi.json: a contract change that breaks a page fails here.
  const webTypes =
    run(
      'Typing the web client from openapi.json (openapi-typescript)',
      ['openapi-typescript', 'bin', 'cli.js'],
      ['openapi.json', '-o', path.join('web', 'src', 'api', 'schema.d.ts'), '--silent'],
    ) && run('Type-checking the web app (tsc -p web)', ['typescript', 'bin', 'tsc'], ['-p', path.join('web', 'tsconfig.json')]);
  const eslint = run(
    fix ? 'Linting and fixing (eslint --fix)' : 'Linting (eslint)',
    ['eslint', 'bin', 'eslint.js'],
    ['.', '--max-warnings', '0', ...cache, ...(fix ? ['--fix'] : [])],
  );
  const prettier = run(
    fix ? 'Formatting (prettier --write)' : 'Checking format (prettier --check)',
    ['prettier', 'bin', 'prettier.cjs'],
    [fix ? '--write' : '--check', '--log-level', fix ? 'warn' : 'log', '.'],
  );
  const spectral = lintApi();
  if (eslint && prettier && webTypes && spectral) return true;
  const failed = [
    eslint ? null : 'ESLint',
    prettier ? null : 'Prettier',
    webTypes ? null : 'the web app type check',
    spectral ? null : 'Spectral (openapi.json)',
  ]
    .filter(Boolean)
    .join(' and ');
  console.error(
    fix
      ? `✖ ${failed} still report problems that need a hand fix; see above.`
      : `✖ Lint failed (${failed}; see above). Run \`npm run lint:fix\` to fix what can be fixed, then fix the rest by hand.`,
  );
  return false;
}

module.exports = { lint, lintApi };

if (require.main === module) {
  const ok = process.argv.includes('--api') ? lintApi() : lint({ fix: process.argv.includes('--fix') });
  process.exit(ok ? 0 : 1);
}
