// ESLint for the TypeScript (lib, test, bench, examples) and the JavaScript scripts:
// `npm run lint` (with the format and unused-export checks), `npm run format` (fixes).
//
// - Correctness: @eslint/js recommended + typescript-eslint recommended (syntactic, fast), and
//   three type-aware rules on the TypeScript only (a promise nobody awaits, awaiting a
//   non-promise, a promise where a void callback is expected), the bugs a test runner hides.
//   The type-aware pass costs one TypeScript program (as `tsc`), not the full type-checked preset.
// - Format: @stylistic rules that write down the style the code already has (2 spaces, single
//   quotes, semicolons, trailing commas in multi-line literals, `(x) =>`), without a line width:
//   lines are wrapped by hand where it reads best. Prettier would rewrap most files.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import stylistic from '@stylistic/eslint-plugin';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const style = {
  '@stylistic/indent': ['error', 2, { SwitchCase: 1, flatTernaryExpressions: true, offsetTernaryExpressions: true, ignoredNodes: ['TSUnionType > TSTypeLiteral', 'TSUnionType > TSTypeLiteral *'] }],
  '@stylistic/quotes': ['error', 'single', { avoidEscape: true }],
  '@stylistic/semi': ['error', 'always'],
  '@stylistic/comma-dangle': ['error', 'always-multiline'],
  '@stylistic/arrow-parens': ['error', 'always'],
  '@stylistic/eol-last': 'error',
  '@stylistic/no-trailing-spaces': 'error',
  '@stylistic/no-tabs': 'error',
  '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxBOF: 0, maxEOF: 0 }],
  '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
  '@stylistic/object-curly-spacing': ['error', 'always'],
  '@stylistic/array-bracket-spacing': ['error', 'never'],
  '@stylistic/comma-spacing': 'error',
  '@stylistic/key-spacing': 'error',
  '@stylistic/keyword-spacing': 'error',
  '@stylistic/semi-spacing': 'error',
  '@stylistic/space-before-blocks': 'error',
  '@stylistic/space-infix-ops': 'error',
  '@stylistic/space-before-function-paren': ['error', { anonymous: 'always', named: 'never', asyncArrow: 'always' }],
  '@stylistic/arrow-spacing': 'error',
  '@stylistic/block-spacing': 'error',
  '@stylistic/type-annotation-spacing': 'error',
  '@stylistic/member-delimiter-style': 'error',
};

export default defineConfig(
  {
    ignores: [
      'dist/**', 'build/**', 'build-*/**', 'node_modules/**', 'native/**', 'prebuilds/**', 'mutate/**',
      '.stryker-tmp/**', '.venv-torch/**', '.venv-tb/**', 'experiments/**', 'checkpoints/**', 'docs/**',
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    plugins: { '@stylistic': stylistic },
    languageOptions: { globals: { ...globals.node } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      ...style,
      // `_name` marks a parameter or binding that is there for its position only.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `import fs = require('fs')` is TypeScript's own form (the mutable module object).
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
    },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Node scripts in CommonJS: `const crypto = require('crypto')` may share a global's name.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
    rules: {
      '@typescript-eslint/no-require-imports': 'off',
      'no-redeclare': ['error', { builtinGlobals: false }],
    },
  },
  {
    // Compile-only type tests (test/types/README.md): their statements exist to be type-checked,
    // next to `@ts-expect-error` lines, and never run.
    files: ['test/types/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': 'off',
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
);
