#!/usr/bin/env node
// The `shoal` command (compiler/cli.ts, compiled to dist/).
import { main } from "../dist/compiler/cli.js";
process.exitCode = await main(process.argv.slice(2));
