/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/domain'],
  testMatch: ['**/*.test.ts'],
  // The chaos, cluster and browser suites run on their own (`npm run test:chaos`, `test:cluster`,
  // `test:web`; .ci/run runs them).
  testPathIgnorePatterns: [
    '/node_modules/',
    '<rootDir>/test/chaos/',
    '<rootDir>/test/cluster/',
    '<rootDir>/test/web/',
  ],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 120_000,
  // Temporal servers and bundling are heavy: two workers fit this 2-core machine.
  maxWorkers: 2,
};
