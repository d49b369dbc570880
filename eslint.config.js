// ESLint (flat config, typescript-eslint with type information): `npm run lint`, run by `npm test`.
// The rules are chosen for the bugs they catch, not for style (no formatting rules: the code keeps its own layout).
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'coverage/**', '.v2g/**', '.scratch/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A promise nobody awaits loses its rejection (an unhandled rejection ends the process) and its ordering.
      '@typescript-eslint/no-floating-promises': 'error',
      // An async function where a void callback is expected (an event handler, forEach, a timer): its rejection
      // is lost; a promise in a condition is always truthy.
      '@typescript-eslint/no-misused-promises': 'error',
      // `await` on something that is not a promise: usually a missing call or a wrong type.
      '@typescript-eslint/await-thenable': 'error',
      // `return promise` inside try/catch skips the catch and the finally runs too early.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // Throwing or rejecting with a non-Error loses the stack and breaks `instanceof` checks.
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      // Dead variables and imports hide mistakes (a value computed and never used). `_name` marks a deliberate one.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // `any` switches type checking off; `unknown` plus a check is the honest type of untrusted input (tests and
      // benchmarks may read a JSON response as `any`: see below).
      '@typescript-eslint/no-explicit-any': 'error',
      // `{}` as a type accepts every value but null and undefined, which is rarely what was meant.
      '@typescript-eslint/no-empty-object-type': 'error',

      // Deleting a computed key of an array or a dynamic key: a common way to corrupt data.
      '@typescript-eslint/no-array-delete': 'error',
      // `${obj}` prints "[object Object]"; an object in a string is a bug in a message or a key.
      '@typescript-eslint/no-base-to-string': 'error',
      // A `switch` over a union that misses a member silently does nothing for it.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // Duplicate cases, self-comparison, unreachable code, conditions that are always the same.
      'no-dupe-else-if': 'error',
      'no-duplicate-case': 'error',
      'no-self-compare': 'error',
      'no-unreachable': 'error',
      'no-unsafe-finally': 'error',
      'no-cond-assign': ['error', 'except-parens'],
      'use-isnan': 'error',
      'no-compare-neg-zero': 'error',
      'no-sparse-arrays': 'error',
      'no-unsafe-negation': 'error',
      'no-constant-binary-expression': 'error',
    },
  },
  {
    // Tests and benchmarks read JSON responses and fixtures as `any` (the assertions are the check).
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { sourceType: 'module', ecmaVersion: 2023 },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-undef': 'off',
      'no-unreachable': 'error',
      'no-self-compare': 'error',
      'no-constant-binary-expression': 'error',
    },
  },
);
