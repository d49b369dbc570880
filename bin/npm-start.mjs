#!/usr/bin/env node
// `npm start`: `v2g start` in this one process, after building whatever is stale (bin/ensure-builds.mjs: the
// stamp checks run here, a build only when a source changed), so that the service always runs a build of the
// current sources. Arguments after `npm start --` go to `v2g start` (e.g. `npm start -- --config service.json`).
import { ensureBuilds } from './ensure-builds.mjs';
import { launch } from './launch.mjs';

const built = ensureBuilds({ quiet: true });
if (!built.ok) process.exit(built.exitCode);
await launch([process.argv[0], process.argv[1], 'start', ...process.argv.slice(2)], built.cli);
