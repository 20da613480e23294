// Lint: the recommended JavaScript and TypeScript rules, plus the import directions that keep the
// folder tree telling the architecture (README "Where things live"). The one that matters most for
// Temporal: workflow code must not import Node modules or anything that is not deterministic.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Every top-level folder of application code. */
const FOLDERS = [
  'app',
  'api',
  'services',
  'activities',
  'workflows',
  'worker',
  'shared',
  'domain',
  'messaging',
  'platform',
  'providers',
  'sandbox',
  'sealing',
  'custody',
  'documents',
  'evidence',
  'cli',
  'scripts',
];

/** Folders whose code is imported by `app/` only (the composition root) — nothing else may import them. */
const ROOT_ONLY = ['app'];

/** What each folder may NOT import (besides app/, which only app/ itself, the tests and the benchmarks import). */
const FORBIDDEN = {
  // HTTP only: calls services; never builds providers or workers itself.
  api: ['worker', 'providers', 'activities', 'workflows'],
  // Use cases: no HTTP, no process wiring.
  services: ['api', 'sandbox', 'worker', 'activities', 'workflows', 'providers'],
  // Thin adapters around domain, messaging, sealing, custody and the providers.
  activities: ['api', 'services', 'sandbox', 'worker', 'workflows'],
  worker: ['api', 'services', 'sandbox', 'providers'],
  // Pure business rules: nothing above them (messaging may import domain, not the reverse).
  domain: [
    'api',
    'services',
    'providers',
    'sandbox',
    'worker',
    'activities',
    'workflows',
    'messaging',
    'sealing',
    'custody',
    'documents',
    'evidence',
    'cli',
    'scripts',
  ],
  // Outbox, inbox, window, templates: domain and platform below it, no HTTP, no workflows.
  messaging: ['api', 'services', 'sandbox', 'worker', 'activities', 'workflows', 'cli', 'scripts'],
  // Capabilities beside domain: platform, domain and shared only.
  sealing: ['api', 'services', 'providers', 'sandbox', 'worker', 'activities', 'workflows', 'messaging', 'custody', 'documents', 'evidence', 'cli', 'scripts'],
  custody: ['api', 'services', 'providers', 'sandbox', 'worker', 'activities', 'workflows', 'messaging', 'sealing', 'documents', 'evidence', 'cli', 'scripts'],
  documents: ['api', 'services', 'providers', 'sandbox', 'worker', 'activities', 'workflows', 'messaging', 'sealing', 'custody', 'evidence', 'cli', 'scripts'],
  // The evidence core: pure (no database, Temporal client or configuration), so the API and the offline CLI
  // verify with the same code. shared, domain and libraries only.
  evidence: FOLDERS.filter((f) => !['app', 'shared', 'domain', 'evidence'].includes(f)),
  // Provider clients: small interfaces of their own.
  providers: ['api', 'services', 'sandbox', 'worker', 'activities', 'workflows', 'domain', 'messaging', 'sealing', 'custody', 'documents', 'cli', 'scripts'],
  // The emulated providers speak HTTP to us, they do not call into the application.
  sandbox: ['services', 'worker', 'activities', 'workflows', 'providers', 'messaging', 'sealing', 'custody', 'documents', 'evidence', 'cli', 'scripts'],
  // Configuration, database, keys, codec, Temporal CLI and dev server: the bottom layer.
  platform: [
    'api',
    'services',
    'activities',
    'workflows',
    'worker',
    'domain',
    'messaging',
    'providers',
    'sandbox',
    'sealing',
    'custody',
    'documents',
    'evidence',
    'cli',
    'scripts',
  ],
  cli: ['api', 'services', 'sandbox', 'worker', 'activities', 'workflows'],
  scripts: ['api', 'services', 'sandbox', 'worker', 'activities', 'workflows'],
};

/** Relative imports into any of these top-level folders: `../x`, `../x/y`, `../../x/y` (packages never match). */
const into = (folders) => `^(\\.\\./)+(${folders.join('|')})(/|$)`;

const directionPattern = (from, folders) => ({
  regex: into(folders),
  message: `${from}/ does not import ${folders.join('/, ')}/ (dependency directions: README "Where things live").`,
});

const noAppPattern = { regex: into(ROOT_ONLY), message: 'Only app/ (the composition root), the tests and the benchmarks import app/.' };

// messaging/templates/ (template definitions and their registration) imports platform, domain and shared only.
const templatesForbidden = FOLDERS.filter((f) => !['platform', 'domain', 'shared', 'app'].includes(f));

const NODE_MODULES = ['node:*', 'fs', 'path', 'crypto', 'os', 'child_process', 'http', 'https', 'net'];

export default tseslint.config(
  { ignores: ['node_modules/', 'prisma/generated/', '.data/', 'tmp/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        fetch: 'readonly',
        AbortSignal: 'readonly',
        performance: 'readonly',
        module: 'readonly',
        require: 'readonly',
        NodeJS: 'readonly',
      },
    },
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
  // One block per folder (a later block replaces an earlier one's options for the same rule, so each
  // folder's whole list is stated once).
  ...Object.entries(FORBIDDEN).map(([folder, forbidden]) => ({
    files: [`${folder}/**/*.ts`],
    rules: { 'no-restricted-imports': ['error', { patterns: [noAppPattern, directionPattern(folder, forbidden)] }] },
  })),
  {
    files: ['messaging/templates/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noAppPattern, directionPattern('messaging/templates', templatesForbidden)] }] },
  },
  {
    // Workflow code runs in a deterministic sandbox and is bundled for it: shared definitions, and
    // activity *types* for proxyActivities, nothing else.
    files: ['workflows/**/*.ts', 'shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_MODULES, message: 'Workflow code runs in a deterministic sandbox: no Node modules.' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflow code imports @temporalio/workflow (and common) only.',
              allowTypeImports: true,
            },
            {
              regex: into(FOLDERS.filter((f) => !['shared', 'workflows'].includes(f)).concat(['prisma'])),
              message: 'Workflow code imports shared definitions and activity *types* only.',
              allowTypeImports: true,
            },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'setInterval', message: 'use sleep() from @temporalio/workflow' }],
    },
  },
  {
    // shared/ sits below workflows: it may not import workflow code either.
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: NODE_MODULES, message: 'Workflow code runs in a deterministic sandbox: no Node modules.' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Workflow code imports @temporalio/workflow (and common) only.',
              allowTypeImports: true,
            },
            { regex: into(FOLDERS.filter((f) => f !== 'shared').concat(['prisma'])), message: 'shared/ imports shared/ only.', allowTypeImports: true },
          ],
        },
      ],
    },
  },
);
