// Lint: the recommended JavaScript and TypeScript rules, plus the one rule that matters most for
// Temporal: workflow code must not import Node modules or anything that is not deterministic.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'prisma/generated/', '.data/', 'tmp/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', performance: 'readonly', module: 'readonly', require: 'readonly', NodeJS: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['test/reporter.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'], message: 'Workflow code runs in a deterministic sandbox: no Node modules.' },
            { group: ['../platform/*', '../domain/*', '../providers/*', '../api/*', '../prisma/*', '@temporalio/client', '@temporalio/worker', '@temporalio/activity'], message: 'Workflow code imports shared definitions and activity *types* only.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setInterval', message: 'use sleep() from @temporalio/workflow' }],
    },
  },
);
