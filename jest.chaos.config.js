/**
 * The chaos suite (`npm run test:chaos`): its own Jest project, apart from `npm test`. Every case runs the service as
 * real processes (2 × start:api, 2 × start:worker) on a PostgreSQL-backed Temporal server; see test/chaos/ and
 * RELIABILITY.md. `npm run test:chaos -- --report` rewrites RELIABILITY.md from the run.
 */
const transform = require('./test/jest-transform');

module.exports = {
  testTimeout: 300000,
  globalSetup: '<rootDir>/test/chaos/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/chaos/support/global-teardown.ts',
  projects: [
    {
      displayName: 'chaos',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/chaos/**/*.chaos.spec.ts'],
    },
    // Measurements on the chaos topologies, not cases: run only by `npm run test:chaos -- --shapes`.
    { displayName: 'chaos-shapes', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/chaos/**/*.shapes.ts'] },
  ],
};
