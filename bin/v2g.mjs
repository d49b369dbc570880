#!/usr/bin/env node
// The `v2g` command: registers tsx's TypeScript loader, then runs the CLI composition root.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../adapters/cli/main.ts');
process.exitCode = await main(process.argv);
