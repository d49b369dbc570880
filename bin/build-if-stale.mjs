#!/usr/bin/env node
// Builds dist/cli and dist/dashboard when they do not match the sources (bin/ensure-builds.mjs); `npm start` does the
// same in its own process (bin/npm-start.mjs). `npm run build:cli` / `build:dashboard` stay the way to build one.
//   --quiet   print nothing when both are up to date
import { ensureBuilds } from './ensure-builds.mjs';

const result = ensureBuilds({ quiet: process.argv.includes('--quiet') });
if (!result.ok) process.exit(result.exitCode);
