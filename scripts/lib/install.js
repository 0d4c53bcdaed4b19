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

function step(label, script, args, failure) {
  console.log(`» ${label}…`);
  const result = spawnSync(process.execPath, [path.join(root, 'node_modules', ...script), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`✖ ${failure}`);
    process.exit(result.status ?? 1);
  }
}

/** Compiles the API into dist/ (incremental, so a second run is quick) and builds the web app into dist/web. */
function build() {
  step('Compiling (tsc)', ['typescript', 'bin', 'tsc'], ['-p', 'tsconfig.build.json'], 'TypeScript compilation failed.');
  step(
    'Typing the web client from openapi.json',
    ['openapi-typescript', 'bin', 'cli.js'],
    ['openapi.json', '-o', path.join('web', 'src', 'api', 'schema.d.ts'), '--silent'],
    'openapi-typescript failed.',
  );
  step(
    'Building the web app (vite)',
    ['vite', 'bin', 'vite.js'],
    ['build', '--config', path.join('web', 'vite.config.mts'), '--logLevel', 'warn'],
    'The web app did not build.',
  );
}

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * The browser tests drive Debian's chromium (Playwright cannot download its own here). Installs it
 * with apt when it is missing and we may (root, apt-get present); returns its path, or null with a reason.
 */
function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return { path: CHROMIUM };
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' });
  if (apt.status !== 0) return { path: null, reason: `no browser at ${CHROMIUM} and no apt-get to install one (set CHROMIUM_PATH)` };
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo', '-n'];
  console.log('» Installing chromium for the browser tests (apt-get; about a minute)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium', 'fonts-dejavu-core'],
  ]) {
    const [command, ...rest] = [...sudo, ...args];
    const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env });
    if (result.status !== 0) return { path: null, reason: `\`${args.join(' ')}\` failed (exit ${result.status})` };
  }
  return fs.existsSync(CHROMIUM) ? { path: CHROMIUM } : { path: null, reason: `apt installed chromium but ${CHROMIUM} is not there` };
}

module.exports = { root, ensureInstalled, build, ensureChromium };
