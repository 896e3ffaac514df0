/** The chaos suite (test/chaos/): long, bounded, run on its own by `npm run test:chaos` and .ci/run. */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/chaos'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 15 * 60_000,
  maxWorkers: 1,
};
