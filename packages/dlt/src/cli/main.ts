#!/usr/bin/env node
// The `dlt-ts` command. Decorated config classes need the Reflect polyfill before anything loads them.
import "reflect-metadata";
import { runCli } from "./cli.js";

// Output piped into `head` closes early: stop quietly, as other CLIs do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

void runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
