/**
 * `v2g api`, `v2g worker`, `v2g gateway`: one role of the service per process, for scale-out on Redis
 * (REDIS_URL required; V2G_REDIS_PREFIX namespaces a deployment). Run any number of each, on any number
 * of machines, against one Redis:
 *
 * - `api`: the HTTP API on HOST:PORT.
 * - `worker`: re-plans sites from the BullMQ queue on SOLVER_POOL_SIZE HiGHS threads; health and
 *   metrics on HOST:PORT. A worker killed mid-solve loses its job's lock; another worker's stalled check
 *   picks the job up after QUEUE_LOCK_MS.
 * - `gateway`: the OCPP server on HOST:OCPP_PORT (chargers connect to `ws://HOST:OCPP_PORT/ocpp/<id>`);
 *   plans reach it through Redis; health and metrics on HOST:PORT.
 */
import type { Command } from 'commander';
import type { ServiceRole } from '../composition/composition-root.ts';

const descriptions: Record<ServiceRole, string> = {
  api: 'run the HTTP API only (needs REDIS_URL; workers and gateways run apart)',
  worker: 're-plan sites from the queue on a solver pool (needs REDIS_URL; health and metrics on PORT)',
  gateway: 'hold chargers\' OCPP connections on OCPP_PORT and send them their plans (needs REDIS_URL; health and metrics on PORT)',
};

export function registerRoleCommands(program: Command, out: (line: string) => void): void {
  for (const role of ['api', 'worker', 'gateway'] as const) {
    program
      .command(role)
      .description(descriptions[role])
      .option('--config <file>', 'JSON configuration file with the environment variable names as keys (env wins)')
      .action(async (opts: { config?: string }) => (await import('./run-service.ts')).runService(role, opts, out));
  }
}
