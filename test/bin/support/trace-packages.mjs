// `node --import` hook for test/bin/embedded-start-packages.test.ts: prints `@package <name>` on standard error for
// every npm package the process (and its worker threads) resolves by name.
import { register } from 'node:module';

const hook = `
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!specifier.startsWith('.') && !specifier.startsWith('/') && !specifier.startsWith('node:') && !specifier.startsWith('file:') && !specifier.startsWith('data:') && resolved.url.includes('/node_modules/')) {
    process.stderr.write('@package ' + specifier + '\\n');
  }
  return resolved;
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
