#!/usr/bin/env node
// The `v2g` command. Runs the compiled CLI (dist/cli, built by `npm ci` / `npm run build`) when its build stamp
// matches the sources (bin/build-stamp.mjs: a few ms when nothing changed); otherwise (never built, or a source
// changed since) the TypeScript sources through tsx's loader: slower to start, never stale (bin/launch.mjs).
import { launch } from './launch.mjs';

await launch(process.argv);
