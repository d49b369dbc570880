/**
 * Runs the service in this process for `v2g start` (all roles) or one role (`v2g api | worker | gateway`),
 * until SIGINT/SIGTERM: the shared body of those commands.
 *
 * Boot: the configuration is validated (every problem on standard error, exit 2); a single role needs
 * REDIS_URL (exit 2 without: embedded roles share memory, so they only run together in `v2g start`);
 * Redis must answer within REDIS_READY_TIMEOUT_MS (else `V2G_ERR_STORE_UNAVAILABLE` on standard error, exit 69,
 * EX_UNAVAILABLE); a port that cannot be taken (PORT, OCPP_PORT busy) is one line naming it and its setting
 * (`V2G_ERR_PORT_UNAVAILABLE`, exit 69), after whatever had started is closed. Shutdown (close-with-grace, SHUTDOWN_GRACE_MS): readiness fails, the OCPP and HTTP
 * ports close (requests in flight finish), active re-plans finish or are handed back to the queue, the
 * solver pool and the Redis connections close; past the grace the process exits with code 1.
 */
import closeWithGrace from 'close-with-grace';
import { CommanderError } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig, type ServiceConfig } from '../config.ts';
import type { Service, ServiceRole } from '../composition/composition-root.ts';
import { seedDemoSite } from '../service/demo-site.ts';
import { StoreUnavailableError } from '../store/redis-errors.ts';
import { PortUnavailableError } from '../composition/port-unavailable.ts';
import { bootBanner } from './service-banner.ts';

/** The command that runs: `start` = every role in this process. */
export type ServiceCommand = 'start' | ServiceRole;

/** Exit status when Redis cannot be reached at boot (sysexits EX_UNAVAILABLE). */
export const exitUnavailable = 69;

function fail(command: ServiceCommand, exitCode: number, message: string): never {
  process.stderr.write(`v2g ${command}: ${message}\n`);
  // main() maps a commander error to its exit code.
  throw new CommanderError(exitCode, `commander.v2g${command}Boot`, message);
}

function configFor(command: ServiceCommand, file: string | undefined): ServiceConfig {
  let config: ServiceConfig;
  try {
    config = loadConfig(process.env, file !== undefined ? { file } : {});
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    fail(command, 2, e.message);
  }
  if (command !== 'start' && config.redisUrl === undefined) {
    fail(command, 2, `needs REDIS_URL (V2G_ERR_CONFIG): the ${command} role shares state with the other roles through Redis; run \`v2g start\` for the embedded all-in-one service`);
  }
  return config;
}

export async function runService(command: ServiceCommand, options: { config?: string }, out: (line: string) => void): Promise<void> {
  const config = configFor(command, options.config);
  const roles: readonly ServiceRole[] = command === 'start' ? ['api', 'worker', 'gateway'] : [command];
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'headers.authorization'] }).child({ role: command });
  let service: Service | undefined;
  let grace: { uninstall(): void } | undefined;
  const stopped = new Promise<void>((resolve) => {
    grace = closeWithGrace({ delay: config.shutdownGraceMs, logger }, async ({ signal, err }) => {
      if (err) logger.error({ err }, 'shutting down after an error');
      else logger.info({ signal }, 'shutting down');
      await service?.close();
      resolve();
    });
  });
  try {
    const { createService } = await import('../composition/composition-root.ts');
    service = await createService(config, { logger, roles, processName: `v2g-${command}` });
    // Redis must answer before anything listens. The solver threads start only once the service listens and has
    // started (they load HiGHS in the background and would compete for the CPU with this thread's start-up;
    // start-up time: bench/cli-startup-bench.ts): the banner comes when /health/ready says 200, and a job queued
    // meanwhile waits for a thread.
    await service.connect();
    if (config.demo && roles.includes('api')) {
      logger.warn('DEMO MODE: loading the generated demo site and accepting the demo token printed below (embedded demo only)');
      await seedDemoSite(service.ctx);
    }
    const baseUrl = await service.listen();
    await service.start();
    const banner = { command, roles, mode: service.backend.description, ocppUrl: service.ocpp?.url };
    // One write: a reader that sees the first line of the banner ("listening on") sees all of it.
    out(bootBanner(config, baseUrl, service.demoToken, banner).join('\n'));
  } catch (error) {
    grace?.uninstall();
    await service?.close().catch(() => undefined);
    if (error instanceof StoreUnavailableError || error instanceof PortUnavailableError) fail(command, exitUnavailable, `${error.code}: ${error.message}`);
    throw error;
  }
  await stopped;
}
