/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/domain'],
  testMatch: ['**/*.test.ts'],
  // The chaos and cluster suites run on their own (`npm run test:chaos`, `npm run test:cluster`; .ci/run runs them).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/', '<rootDir>/test/cluster/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 120_000,
  // Temporal servers and bundling are heavy: two workers fit this 2-core machine.
  maxWorkers: 2,
};
