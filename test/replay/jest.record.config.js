/**
 * `npm run replay:record`: records the replay corpus (test/replay/record.ts) on the suite's Temporal dev server and
 * PostgreSQL (the same global setup as the e2e tests). Not part of `npm test`, which only replays the corpus.
 */
module.exports = {
  rootDir: '../..',
  testEnvironment: 'node',
  testTimeout: 120000,
  transform: require('../jest-transform'),
  testMatch: ['<rootDir>/test/replay/record.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};
