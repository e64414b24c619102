#!/usr/bin/env node
// Entry of the `solver-farm` command. Node >= 22.18 runs the TypeScript sources directly
// (type stripping works for files outside node_modules, which this package's own are).
import { main } from '../solver/cli.ts';

await main();
