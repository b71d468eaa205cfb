// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', '.flowdeck-test-*/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.renderer.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // A leading _ names what a signature must take but the body does not use.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Methods that implement a Promise-returning interface stay async so a throw becomes a rejection.
      '@typescript-eslint/require-await': 'off',
      // Callbacks are declared method-style in props and interfaces and passed on unbound; none reads this.
      '@typescript-eslint/unbound-method': 'off',
      // Abort reasons and caught errors are passed on as they came; a literal non-Error is still refused.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests read JSON answers and fixtures untyped on purpose and assert on their shape.
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
  {
    files: ['app/renderer/**/*.{ts,tsx}'],
    extends: [reactHooks.configs.flat.recommended],
    rules: {
      // The React Compiler's rules: the renderer is written for React without the compiler.
      // Live clocks read Date.now() while rendering, once a tick of useNow, on purpose.
      'react-hooks/purity': 'off',
      // Effects that reset a view's local state when what it shows changes are the chosen pattern.
      'react-hooks/set-state-in-effect': 'off',
      // Refs to editors and scrollers are read while rendering to measure and lay out.
      'react-hooks/refs': 'off',
      // Says only that the compiler would skip memoizing a virtualizer or form library.
      'react-hooks/incompatible-library': 'off',
    },
  },
);
