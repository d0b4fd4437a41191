// @ts-check
/**
 * `npm run lint:eslint`. typescript-eslint's recommended rules with type information (no-floating-promises and the
 * other no-unsafe-* checks need it), and nothing that Prettier decides (eslint-config-prettier, last, turns those off).
 * The boundaries between folders are dependency-cruiser's (.dependency-cruiser.cjs), not ESLint's.
 */
import eslint from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: [
      'dist/',
      'dist-bench/',
      'node_modules/',
      'data/',
      'coverage/',
      'docs/',
      'test/compose/',
      'test/lint/fixtures/',
      '.temporal-test/',
      '.chaos-builds/',
    ],
  },
  eslint.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // The code matches control characters on purpose (header values, NUL in text that goes to PostgreSQL).
      'no-control-regex': 'off',
      // `async` without `await` is how a function that throws returns a rejected promise (readiness checks, fakes).
      '@typescript-eslint/require-await': 'off',
      // Static factories passed as callbacks (`.map(ApiTokenSummaryResponse.from)`) do not use `this`.
      '@typescript-eslint/unbound-method': ['error', { ignoreStatic: true }],
      // LastLines is written into messages by its toString() (the tail of a child process's output); URLSearchParams too.
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        {
          allow: [
            { from: 'lib', name: ['Error', 'URL', 'URLSearchParams'] },
            { from: 'package', package: 'url', name: 'URLSearchParams' },
            { from: 'file', name: 'LastLines' },
          ],
        },
      ],
      // `_` marks a parameter or binding that is there for its position (a Nest handler's arguments, a destructured rest).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    // Tests and benchmarks read HTTP answers as `any` (test/support/api-client.ts's `body`, `res.json()`) and assert on
    // their shape: 737 no-unsafe-* findings there on the current tree, none of them a bug.
    // A table of the CLI's output is clearer with its spaces than with {n}.
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      'no-regex-spaces': 'off',
    },
  },
  {
    // The plain JavaScript: CommonJS scripts and configs, checked without type information.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The portal's one script runs in the reader's browser.
    files: ['src/portal/assets/*.js'],
    languageOptions: { globals: { ...globals.browser }, sourceType: 'script' },
  },
  prettier,
);
