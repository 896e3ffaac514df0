/**
 * The browser suite (`npm run test:web`, test/web/): the web front in Debian's Chromium driven by
 * playwright-core, against the real stack (dev server, compiled worker, SMTP server, database).
 * Not in `npm test` (jest.config.js ignores test/web); .ci/run runs it and counts it.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/web'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  setupFiles: ['<rootDir>/test/setup.ts'],
  testTimeout: 300_000,
  maxWorkers: 1,
};
