#!/usr/bin/env node
import { processIo } from './io';
import { run } from './program';

/** `plude` (package.json `bin`, through bin/plude.js): the command-line tool. */
run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`plude: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
