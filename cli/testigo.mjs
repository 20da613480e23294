#!/usr/bin/env node
// The `testigo` executable (package.json "bin"): the project runs TypeScript through tsx, so this shim registers
// tsx's ESM loader in this very process and hands over to cli/testigo.ts. No child process, no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./testigo.ts');
process.exitCode = await main(process.argv.slice(2));
