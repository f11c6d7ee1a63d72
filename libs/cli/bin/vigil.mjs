#!/usr/bin/env node
// The `vigil` command: runs the built CLI (libs/cli/dist), or says how to build it.
import { existsSync } from "node:fs";
const main = new URL("../dist/main.js", import.meta.url);
if (!existsSync(main)) {
  process.stderr.write("vigil: the CLI is not built yet; run `npm run build` in the Vigil checkout, then try again\n");
  process.exit(70);
}
await import(main.href);
