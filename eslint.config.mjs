// One ESLint config for the whole repository (ESLint 9 flat config). Formatting is Prettier's job
// (`prettier --check`), so eslint-config-prettier switches off every stylistic rule that would fight it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['node_modules/', 'dist/', 'coverage/', '.accord/', 'web/dist/', 'web/build/', '**/*.d.ts'],
  },
  js.configs.recommended,

  // TypeScript everywhere (src/, test/, bench/, scripts/, migrations/, web/): type-aware rules.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts'],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
        // Tells consistent-type-imports that decorator metadata is emitted: it then leaves files with
        // decorators alone, so Nest DI constructor parameter types stay value imports.
        emitDecoratorMetadata: true,
        experimentalDecorators: true,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'separate-type-imports' }],
      // Fastify hooks and handlers are `async` without `await` by design: an async hook is promise-style
      // (no `done` callback) and its throws become rejections; dropping `async` would hang the request.
      '@typescript-eslint/require-await': 'off',
    },
  },
  // Tests: supertest bodies and raw `pg` rows are `any` by design and asserted at run time; jest's
  // `expect(obj.method)` passes methods unbound on purpose.
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },

  // Plain JavaScript: the CommonJS scripts (scripts/*.js, test/shims) run on Node without a build.
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },

  // Node code: API, worker, tests, benchmarks, scripts, migrations.
  {
    files: ['src/**', 'test/**', 'bench/**', 'scripts/**', 'migrations/**'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'test/**'],
    languageOptions: { globals: { ...globals.jest } },
  },

  // The web app (web/, once it exists) runs in the browser.
  {
    files: ['web/**'],
    languageOptions: { globals: { ...globals.browser } },
  },

  prettier,
);
