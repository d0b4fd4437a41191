/**
 * `npm test` (jest --runInBand) runs the four projects. The e2e and browser projects share one set-up
 * (test/support/global-setup.ts: one Temporal dev server, one PostgreSQL, one workflow bundle); Jest runs a project's
 * globalSetup only when tests of that project are selected, and a path shared by two projects once, so
 * `npm run test:unit` starts nothing. The browser project drives the machine's Chromium against the dev server's Web
 * UI; `--selectProjects unit e2e` leaves it out. The replay project needs no server: it replays recorded histories in
 * process (test/replay).
 */
const transform = require('./test/jest-transform');
const withServers = { globalSetup: '<rootDir>/test/support/global-setup.ts', globalTeardown: '<rootDir>/test/support/global-teardown.ts' };

module.exports = {
  testEnvironment: 'node',
  testTimeout: 60000,
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    { displayName: 'e2e', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'], ...withServers },
    { displayName: 'browser', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/browser/**/*.spec.ts'], ...withServers },
    { displayName: 'replay', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/replay/**/*.spec.ts'] },
  ],
};
