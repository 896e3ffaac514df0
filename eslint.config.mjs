import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['bin/**/*.js', '*.config.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['workflows/**/*.ts'],
    rules: {
      // Workflow code must stay deterministic: no Node APIs, no wall clock.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'fs',
            'path',
            'crypto',
            'pg',
            'nodemailer',
            '../activities/*',
            '../worker/*',
            '../runtime',
            '../runtime/*',
          ],
        },
      ],
    },
  },
  {
    // The rules and the workflow know neither the process nor the runtime (runtime/: configuration
    // from the environment, payload encryption); the runtime gives them what they need as arguments.
    files: ['domain/**/*.ts', 'workflows/**/*.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env' }],
    },
  },
  {
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['**/runtime', '**/runtime/*', '**/worker/*', '**/activities/*', '**/client/*'] },
      ],
    },
  },
);
