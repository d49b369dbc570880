/**
 * Shared by the dashboard's browser test and benchmark: builds the front end when dist/dashboard is missing or
 * stale (as `npm start` does), starts a real service (system clock, HiGHS, OCPP gateway) on free ports with the
 * demo depot, launches Debian's headless Chromium, and waits for events (a plan saved, a change) instead of
 * sleeping.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { defaultConfig } from '../../../adapters/config.ts';
import type { Change } from '../../../adapters/dashboard/change-feed.ts';
import { packageRoot } from '../../../adapters/package-root.ts';
import { createService, type Service } from '../../../adapters/composition/composition-root.ts';
import { seedDemoSite } from '../../../adapters/service/demo-site.ts';
import type { PlanSolver } from '../../../adapters/service/replan-worker.ts';

export const chromiumPath = '/usr/bin/chromium';
export const chromiumMissing = existsSync(chromiumPath) ? undefined : `${chromiumPath} is missing: install Debian's chromium (apt-get install chromium)`;

export const dashboardTokens = {
  admin: 'dashboard-admin-token-0123456789',
  read: 'dashboard-read-token-0123456789',
} as const;

/** Runs `npm run build:dashboard --if-stale` (a no-op when dist/dashboard matches the sources). */
export function ensureDashboardBuilt(): void {
  execFileSync(process.execPath, [path.join(packageRoot, 'bin', 'build-dashboard.mjs'), '--if-stale', '--quiet'], { cwd: packageRoot, stdio: 'inherit' });
}

export interface RunningDashboard {
  readonly service: Service;
  readonly baseUrl: string;
  /** Resolves at the next change matching `match` (subscribed when called). */
  nextChange(match: (c: Change) => boolean): Promise<Change>;
  close(): Promise<void>;
}

/**
 * A service with the demo depot of `vehicles` vehicles, listening on free ports (HTTP on `port` when given: a
 * service restarted where the page's stream was), its first plan saved. `gatewayBeatMs`: OCPP_GATEWAY_BEAT_MS.
 */
export async function startDashboardService(options: { vehicles: number; solve?: PlanSolver; batchMs?: number; port?: number; gatewayBeatMs?: number }): Promise<RunningDashboard> {
  const config = defaultConfig({
    port: options.port ?? 0,
    ...(options.gatewayBeatMs !== undefined ? { ocppGatewayBeatMs: options.gatewayBeatMs } : {}),
    ocppPort: 0,
    demo: false,
    apiTokens: [
      { name: 'ops', token: dashboardTokens.admin, scopes: ['admin'] },
      { name: 'viewer', token: dashboardTokens.read, scopes: ['read'] },
    ],
    solverPoolSize: 1,
    replanDebounceMs: 50,
    replanMaxWaitMs: 200,
  });
  const service = await createService(config, { ...(options.solve ? { solve: options.solve } : {}), defaultMetrics: false });
  const nextChange = (match: (c: Change) => boolean) =>
    new Promise<Change>((resolve) => {
      const off = service.ctx.changes.subscribe((c) => {
        if (match(c)) {
          off();
          resolve(c);
        }
      });
    });
  const firstPlan = nextChange((c) => c.kind === 'plan' && c.siteId === 'demo-depot');
  await service.start();
  await seedDemoSite(service.ctx, { vehicles: options.vehicles, schedules: false });
  const baseUrl = await service.listen();
  await firstPlan;
  return { service, baseUrl, nextChange, close: () => service.close() };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
