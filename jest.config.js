/**
 * One Temporal dev server and one workflow bundle serve the whole suite (test/support/global-setup.ts). The browser
 * project drives the machine's Chromium against the dev server's Web UI; `--selectProjects unit e2e` leaves it out.
 */
const transform = { '^.+\\.ts$': ['@swc/jest'] };

module.exports = {
  testEnvironment: 'node',
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/unit/**/*.spec.ts'] },
    { displayName: 'e2e', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/e2e/**/*.spec.ts'] },
    { displayName: 'browser', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/browser/**/*.spec.ts'] },
  ],
};
