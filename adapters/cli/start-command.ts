/**
 * `v2g start`: runs the service (the README's main job, `npm start`) with every role in this process:
 * HTTP API, re-plan worker and OCPP gateway. Embedded by default (in-memory store, in-process queue, no
 * Redis); with REDIS_URL the same process works on the Redis store and BullMQ queue, next to any number
 * of `v2g api | worker | gateway` processes (role-commands.ts). With DEMO=true (the embedded default) it
 * loads the generated demo depot and prints a random demo token with every scope; that token exists only
 * in this embedded demo mode.
 *
 * Configuration, boot failures and graceful shutdown: run-service.ts (loaded when the command runs); the
 * banner: service-banner.ts.
 */
import type { Command } from 'commander';

export function registerStartCommand(program: Command, out: (line: string) => void): void {
  program
    .command('start')
    .description('run the service: HTTP API, re-plan worker and OCPP gateway in one process (embedded unless REDIS_URL; demo site and token unless DEMO=false)')
    .option('--config <file>', 'JSON configuration file with the environment variable names as keys (env wins)')
    .action(async (opts: { config?: string }) => (await import('./run-service.ts')).runService('start', opts, out));
}
