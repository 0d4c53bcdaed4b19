import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

interface BenchTable {
  START: string;
  END: string;
  DOC: string;
  formatValue(value: unknown): string;
  renderTable(root: string): string;
  renderDoc(doc: string, table: string): string;
  run(root: string, options: { check: boolean }): boolean;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const benchTable = require('./bench-table') as BenchTable;
const root = join(__dirname, '..');

describe('docs/benchmarks.md', () => {
  it('shows exactly the table rendered from the committed bench/results/*.json (run `npm run bench:table`)', () => {
    const doc = readFileSync(join(root, benchTable.DOC), 'utf8');
    expect(doc).toBe(benchTable.renderDoc(doc, benchTable.renderTable(root)));
  });
});

describe('bench-table', () => {
  let dir: string;
  const result = (bench: string, ratio: number, meetsGoal = true) => ({
    bench,
    at: '2026-11-25T10:00:00.000Z',
    machine: { cpus: 2, memGiB: 23.5, node: 'v20.20.2' },
    figures: { rows: 10000, apiMs: 881.5 },
    baseline: { rawMs: 366 },
    ratio,
    goal: 'under 3x | the raw insert',
    meetsGoal,
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-table-'));
    mkdirSync(join(dir, 'bench', 'results'), { recursive: true });
    mkdirSync(join(dir, 'docs'));
    const scripts = {
      'bench:enrol': 'node scripts/bench.js enrol-import',
      'bench:read': 'node scripts/bench.js read-path',
      'bench:table': 'node scripts/bench-table.js',
    };
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts }));
    writeFileSync(join(dir, 'bench', 'results', 'enrol-import.json'), JSON.stringify(result('enrol-import', 2.41)));
    writeFileSync(join(dir, 'bench', 'results', 'fuzz.json'), JSON.stringify({ seed: 1, total: 9750 }));
    writeFileSync(join(dir, 'docs', 'benchmarks.md'), `# Benchmarks\n\n${benchTable.START}\nold table\n${benchTable.END}\n\nNotes.\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('renders one row per bench script from its JSON, and says when a bench has no committed result', () => {
    const lines = benchTable.renderTable(dir).split('\n');
    expect(lines).toEqual([
      '| command | run | Accord | baseline | ratio | goal | met |',
      '|---|---|---|---|---|---|---|',
      '| `npm run bench:enrol` | 2026-11-25 (2 cores, 23.5 GiB, Node v20.20.2) | rows 10,000, apiMs 881.5 | rawMs 366 | 2.41× | under 3x \\| the raw insert | yes |',
      '| `npm run bench:read` | no committed result | | | | | |',
    ]);
  });

  it('marks a missed goal, and lists a result no npm script runs', () => {
    writeFileSync(join(dir, 'bench', 'results', 'extra.json'), JSON.stringify(result('extra', 3.5, false)));
    const last = benchTable.renderTable(dir).split('\n').at(-1);
    expect(last).toMatch(/^\| `node scripts\/bench\.js extra` \|.*\| 3\.5× \|.*\| \*\*no\*\* \|$/);
  });

  it('finds a stale doc in check mode without writing, and rewrites only between the markers otherwise', () => {
    const file = join(dir, 'docs', 'benchmarks.md');
    expect(benchTable.run(dir, { check: true })).toBe(false);
    expect(readFileSync(file, 'utf8')).toContain('old table');

    expect(benchTable.run(dir, { check: false })).toBe(false);
    const doc = readFileSync(file, 'utf8');
    expect(doc).not.toContain('old table');
    expect(doc.startsWith(`# Benchmarks\n\n${benchTable.START}\n| command |`)).toBe(true);
    expect(doc.endsWith(`|\n${benchTable.END}\n\nNotes.\n`)).toBe(true);
    expect(benchTable.run(dir, { check: true })).toBe(true);
  });

  it('refuses a doc without the markers', () => {
    expect(() => benchTable.renderDoc('# Benchmarks\n', 'table')).toThrow(/markers/);
  });

  it('groups thousands and keeps decimals as they are', () => {
    expect(benchTable.formatValue(1234567.25)).toBe('1,234,567.25');
    expect(benchTable.formatValue(0.05)).toBe('0.05');
    expect(benchTable.formatValue('text')).toBe('text');
  });
});
