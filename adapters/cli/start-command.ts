/**
 * `v2g start`: runs the service (the README's main job, `npm start`). Embedded by default: in-memory
 * store, in-process queue, no Redis. With DEMO=true (the default) it loads the generated demo depot and
 * prints a random demo token with every scope; that token exists only in this embedded demo mode.
 *
 * Configuration: environment variables or a JSON file (`--config` or V2G_CONFIG_FILE), validated at boot
 * with every problem listed on standard error (exit code 2). SIGINT/SIGTERM close gracefully (close-with-grace): readiness
 * fails, HTTP stops taking requests and finishes those in flight, the active re-plan finishes, the solver
 * pool closes; past SHUTDOWN_GRACE_MS the process exits with code 1.
 */
import closeWithGrace from 'close-with-grace';
import { CommanderError, type Command } from 'commander';
import { pino } from 'pino';
import { ConfigError, loadConfig, type ServiceConfig } from '../config.ts';
import { createService, type Service } from '../service/composition-root.ts';
import { demoSiteId, seedDemoSite } from '../service/demo-site.ts';

/** The lines printed once the service listens: URLs, mode, and in demo mode the token and a first curl. */
export function bootBanner(config: ServiceConfig, baseUrl: string, demoToken: string | undefined): string[] {
  const lines = [
    `v2g service listening on ${baseUrl} (embedded mode: in-memory store, in-process queue; REDIS_URL unset)`,
    `  API          ${baseUrl}/v1/sites`,
    `  OpenAPI UI   ${baseUrl}/docs   (document: ${baseUrl}/docs/json)`,
    `  health       ${baseUrl}/health/live  ${baseUrl}/health/ready`,
    `  metrics      ${baseUrl}/metrics`,
    `  OCPP port    ${config.ocppPort} (reserved for the chargers' OCPP module)`,
  ];
  if (demoToken !== undefined) {
    lines.push(
      '',
      'DEMO MODE (embedded only, never for production: set DEMO=false and API_TOKENS to turn it off)',
      `  demo token (read, dispatch, admin; valid until this process stops): ${demoToken}`,
      `  demo site: ${demoSiteId} (a generated 50-vehicle depot, times shifted to now)`,
      `  try:  export TOKEN=${demoToken}`,
      `        curl -s -H "Authorization: Bearer $TOKEN" ${baseUrl}/v1/sites/${demoSiteId}/plan | head -c 600`,
    );
  }
  return lines;
}

async function run(options: { config?: string }, out: (line: string) => void): Promise<void> {
  let config: ServiceConfig;
  try {
    config = loadConfig(process.env, options.config !== undefined ? { file: options.config } : {});
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`v2g start: ${e.message}\n`);
    // main() maps a commander error to its exit code: 2 = bad input, as for every other command.
    throw new CommanderError(2, 'commander.v2gConfigInvalid', e.message);
  }
  const logger = pino({ level: config.logLevel, redact: ['req.headers.authorization', 'headers.authorization'] });
  let service: Service | undefined;
  const stopped = new Promise<void>((resolve) => {
    closeWithGrace({ delay: config.shutdownGraceMs, logger }, async ({ signal, err }) => {
      if (err) logger.error({ err }, 'shutting down after an error');
      else logger.info({ signal }, 'shutting down');
      await service?.close();
      resolve();
    });
  });
  service = await createService(config, { logger });
  await service.start();
  if (config.demo) {
    logger.warn('DEMO MODE: loading the generated demo site and accepting the demo token printed below (embedded demo only)');
    await seedDemoSite(service.ctx);
  }
  const baseUrl = await service.listen();
  for (const line of bootBanner(config, baseUrl, service.demoToken)) out(line);
  await stopped;
}

export function registerStartCommand(program: Command, out: (line: string) => void): void {
  program
    .command('start')
    .description('run the HTTP service (embedded: in-memory store and queue; demo site and token unless DEMO=false)')
    .option('--config <file>', 'JSON configuration file with the environment variable names as keys (env wins)')
    .action(async (opts: { config?: string }) => run(opts, out));
}
