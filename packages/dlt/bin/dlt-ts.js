#!/usr/bin/env node
"use strict";
// The `dlt-ts` command. This file exists before the TypeScript build, so npm
// links the bin in a fresh checkout too; it runs the compiled CLI.
try {
  require.resolve("../dist/cli/main.js");
} catch {
  console.error("dlt-ts is not built yet: run `npm run build` (npm ci builds it) in the dlt-ts checkout.");
  process.exit(1);
}
require("../dist/cli/main.js");
