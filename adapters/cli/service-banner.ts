/**
 * The lines a service process prints once it listens: what it is (command, roles, where its state
 * lives), its URLs, and in demo mode the token and a first curl. Tests and scripts read the URLs from
 * here: `listening on <http url>` and `OCPP ... <ws url>/<chargePointId>`.
 */
import type { ServiceConfig } from '../config.ts';
import type { ServiceRole } from '../composition/composition-root.ts';
import { demoSiteId } from '../service/demo-site.ts';

export interface BannerInfo {
  /** `start` or the single role this process runs. */
  readonly command: 'start' | ServiceRole;
  readonly roles: readonly ServiceRole[];
  /** Where the state lives (service-backend.ts `description`). */
  readonly mode: string;
  /** The OCPP endpoint (gateway role), without the charge point id. */
  readonly ocppUrl?: string | undefined;
}

const embedded: BannerInfo = { command: 'start', roles: ['api', 'worker', 'gateway'], mode: 'in-memory store, in-process queue' };

export function bootBanner(config: ServiceConfig, baseUrl: string, demoToken: string | undefined, info: BannerInfo = embedded): string[] {
  const mode = config.redisUrl === undefined ? `embedded mode: ${info.mode}; REDIS_URL unset` : `distributed mode: ${info.mode}`;
  const what = info.command === 'start' ? 'v2g service' : `v2g ${info.command}`;
  const lines = [`${what} listening on ${baseUrl} (${mode})`];
  if (info.roles.includes('api')) {
    lines.push(
      `  API          ${baseUrl}/v1/sites`,
      `  OpenAPI UI   ${baseUrl}/docs   (document: ${baseUrl}/docs/json)`,
    );
  }
  lines.push(`  health       ${baseUrl}/health/live  ${baseUrl}/health/ready`, `  metrics      ${baseUrl}/metrics`);
  if (info.roles.includes('worker')) lines.push(`  solver       ${config.solverPoolSize} HiGHS thread(s) re-planning sites from the queue`);
  if (info.roles.includes('gateway')) {
    const url = info.ocppUrl ?? `${config.ocppTlsCertFile !== undefined ? 'wss' : 'ws'}://${config.host}:${config.ocppPort}/ocpp`;
    const who = config.ocppSecurityProfile === 0 ? 'chargers listed on a site' : `security profile ${config.ocppSecurityProfile}: chargers with a password (PUT /v1/chargers/<id>/credentials)`;
    lines.push(`  OCPP         ${url}/<chargePointId>   (${who}${config.ocppAutoRegister ? ', unknown ones auto-registered' : ''}; 1.6J, 2.0.1, 2.1)`);
  }
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
