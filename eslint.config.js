'use strict';
// ESLint for the JS side: index.js, lib/, scripts/ and the tests.
const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
  { ignores: ['node_modules/**', 'target/**', 'npm/**', 'bench/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'commonjs',
      globals: { ...globals.node },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'prefer-const': 'error',
      'no-var': 'error',
    },
  },
  {
    // Consumer specs run under both Jest and mocha: only the globals both have.
    files: ['__test__/consumers/**/*.spec.js'],
    languageOptions: {
      globals: { describe: 'readonly', it: 'readonly', beforeEach: 'readonly', afterEach: 'readonly' },
    },
  },
];
