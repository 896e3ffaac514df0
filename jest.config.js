/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // The chaos suite runs on its own (`npm run test:chaos`, jest.chaos.config.js; .ci/run runs both).
  // The browser suite too (`npm run test:web`, jest.web.config.js).
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/', '<rootDir>/test/web/'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 120_000,
  // Temporal servers and bundling are heavy: two workers fit this 2-core machine.
  maxWorkers: 2,
};
