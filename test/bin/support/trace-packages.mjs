// `node --import` hook for test/bin/embedded-start-packages.test.ts: prints `@package <name>` on standard error for
// every npm package the process (and its worker threads) resolves by name: through `import` (a loader hook) and
// through `require` (adapters/ocpp/ocpp-rpc.ts loads ocpp-rpc's files with createRequire).
import { builtinModules, Module, register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:') && !specifier.startsWith('file:') && !specifier.startsWith('data:') && resolved.url.includes('/node_modules/')) {
    process.stderr.write('@package ' + specifier + '\\n');
  }
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);

const builtins = new Set(builtinModules);
const load = Module._load;
Module._load = function traced(request, ...rest) {
  if (!/^[./]/.test(request) && !request.startsWith('node:') && !builtins.has(request.split('/')[0])) process.stderr.write(`@package ${request}\n`);
  return load.call(this, request, ...rest);
};
