/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 120_000,
  // Temporal servers and bundling are heavy: two workers fit this 2-core machine.
  maxWorkers: 2,
};
