#!/usr/bin/env node
import { processIo, runCli } from './cli.js';

void runCli(process.argv.slice(2), processIo()).then((status) => {
  process.exitCode = status;
});
