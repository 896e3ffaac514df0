/** The cluster suite (test/cluster/): Casusregie on a multi-process Temporal cluster; `npm run test:cluster` and .ci/run. */
const base = require('./jest.config.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  roots: ['<rootDir>/test/cluster'],
  testPathIgnorePatterns: ['/node_modules/'],
  testTimeout: 10 * 60_000,
  maxWorkers: 1,
};
