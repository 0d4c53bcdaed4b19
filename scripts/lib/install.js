'use strict';
// Installs dependencies when node_modules is missing or older than the lockfile. No dependencies of its own.
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');

function ensureInstalled() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  const stale = !fs.existsSync(marker) || (fs.existsSync(lock) && fs.statSync(lock).mtimeMs > fs.statSync(marker).mtimeMs + 1000);
  if (!stale) return;
  console.log('» Installing dependencies (npm ci)…');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('✖ npm ci failed; see the output above.');
    process.exit(result.status ?? 1);
  }
}

/** Compiles TypeScript into dist/ (incremental, so a second run is quick). */
function build() {
  console.log('» Compiling (tsc)…');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('✖ TypeScript compilation failed.');
    process.exit(result.status ?? 1);
  }
}

module.exports = { root, ensureInstalled, build };
