#!/usr/bin/env node
'use strict';
// `npx plude` in a checkout: the command-line tool is TypeScript, compiled by `npm run build` (npm start runs it).
const { existsSync } = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'src', 'cli', 'main.js');
if (!existsSync(built)) {
  process.stderr.write(`plude is not built yet: run \`npm run build\` (or \`npm start\`, which builds it) in ${path.dirname(__dirname)} first.\n`);
  process.exit(1);
}
require(built);
