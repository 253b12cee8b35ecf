// typescript-eslint, type-aware, for every workspace's src/ and test/ (run per workspace by
// scripts/lint.mjs, so by `npm test`; `npx eslint packages/core/src` works from the root too).
// The project's own rules (TSDoc, no Math.random, no console in libraries, no focused tests) stay
// in scripts/lint.mjs; formatting is prettier's (.prettierrc.json), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/test-artifacts/**', '**/results/**', '**/coverage/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  // recommended-type-checked: the rules that need types are the ones that catch real bugs in this
  // code (floating promises around locks and servers, misused promises in callbacks, unsafe any
  // from JSON bodies). The stricter `strict-type-checked` adds mostly style; not now.
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        // Each workspace's tsconfig.json (src + test), found per file.
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // TypeScript checks undefined names itself (and knows `NodeJS.*` types): typescript-eslint's advice.
      'no-undef': 'off',
      // `_`-prefixed parameters are deliberate (a callback's shape).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `async` without `await` is how this code keeps a Promise contract (TokenStore, fetch, a
      // command's run): a synchronous throw becomes a rejection. Dropping `async` to please the
      // rule would change that behaviour, so the rule (style, not a bug finder here) is off.
      '@typescript-eslint/require-await': 'off',
      // Rejecting with an AbortSignal's `reason` (typed `any`) is the platform's own convention
      // (fetch does it); a non-Error literal is still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    // Tests read untyped JSON and mock shapes on purpose; `expect(...)` rejections are awaited by jest.
    files: ['**/test/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
      // Fetch mocks print the URL they were given (a string or a URL in these tests), and tests
      // reject with non-Errors on purpose to see how the code under test copes.
      '@typescript-eslint/no-base-to-string': 'off',
      '@typescript-eslint/prefer-promise-reject-errors': 'off',
    },
  },
  {
    // Plain JavaScript (configs, scripts, the CLI's launcher): no type information.
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
