import { readdirSync, readFileSync } from 'fs';
import { dirname, join, relative, resolve, sep } from 'path';
import * as ts from 'typescript';

/**
 * Module boundaries: a module's public surface is its service and its types. A file under
 * src/modules/<a>/ never imports another module's repository (`*.repository`) or its `entities/`.
 */
const MODULES = resolve(__dirname);

/**
 * Deliberate exceptions, each with its reason. An entity may name another module's entity as the
 * target of a TypeORM relation: foreign keys are part of the one schema src/config/entities.ts
 * assembles, TypeORM needs the target class to build them, and no code runs through the import.
 */
const EXCEPTIONS: Array<{ from: RegExp; to: RegExp; reason: string }> = [
  { from: /^[^/]+\/entities\/[^/]+\.entity\.ts$/, to: /^[^/]+\/entities\/[^/]+\.entity$/, reason: 'TypeORM relation target (foreign key)' },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, including `import type` and `import()`. */
function specifiers(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
      found.push(node.moduleSpecifier.text);
    if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    )
      found.push(node.arguments[0].text);
    if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal))
      found.push(node.argument.literal.text);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const moduleOf = (path: string) => path.split('/')[0];
const isInternal = (target: string) => /\.repository$/.test(target) || /(^|\/)entities(\/|$)/.test(target);

/** `<file> imports <target>` for each import of another module's internals, relative to src/modules. */
function boundaryViolations(files: Array<{ file: string; text: string }>): string[] {
  const violations: string[] = [];
  for (const { file, text } of files) {
    const from = relative(MODULES, file).split(sep).join('/');
    for (const specifier of specifiers(file, text)) {
      if (!specifier.startsWith('.')) continue;
      const target = relative(MODULES, resolve(dirname(file), specifier))
        .split(sep)
        .join('/');
      if (target.startsWith('..') || moduleOf(target) === moduleOf(from) || !isInternal(target)) continue;
      if (EXCEPTIONS.some((e) => e.from.test(from) && e.to.test(target))) continue;
      violations.push(`${from} imports ${target}`);
    }
  }
  return violations;
}

describe('module boundaries', () => {
  it('no module imports another module’s repository or entities', () => {
    const files = sourceFiles(MODULES).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
    expect(files.length).toBeGreaterThan(50);
    expect(boundaryViolations(files)).toEqual([]);
  });

  it('catches imports of another module’s repository or entities, type-only and dynamic ones too', () => {
    const at = (name: string) => join(MODULES, 'enrolments', name);
    const files = [
      { file: at('a.ts'), text: `import { UsersRepository } from '../users/users.repository';` },
      { file: at('b.ts'), text: `import type { Role } from '../users/entities/user.entity';` },
      { file: at('c.ts'), text: `export { Enrolment } from './entities/enrolment.entity';` },
      { file: at('d.ts'), text: `const m = () => import('../../modules/audit/audit.repository');` },
      { file: at('e.ts'), text: `import { UsersService } from '../users/users.service';` },
      { file: at('entities/x.entity.ts'), text: `import { User } from '../../users/entities/user.entity';` },
    ];
    expect(boundaryViolations(files)).toEqual([
      'enrolments/a.ts imports users/users.repository',
      'enrolments/b.ts imports users/entities/user.entity',
      'enrolments/d.ts imports audit/audit.repository',
    ]);
  });
});
