/**
 * The dashboard end to end in Debian's headless Chromium (playwright-core): a real service (HiGHS, OCPP gateway,
 * system clock) with a 12-vehicle demo depot. Sign in, the depot appears on the overview and its page draws its
 * charts; a dispatch posted through the API (not the page) changes the plan and the chart without a reload; a
 * simulated OCPP charger connecting and then disconnecting shows in the chargers table; a read-only token sees
 * no actions; an API error is shown next to its field; a crashed gateway's charger turns disconnected; the
 * service going away shows "connection lost, retrying" and the page recovers when it is back. No console errors
 * (those of failed requests while the service is away excepted). Screenshots go to test-artifacts/dashboard/ (git-ignored).
 * In CI (CI=true) a missing Chromium fails this suite; elsewhere it is skipped with the reason.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { SimCharger } from '../../../adapters/ocpp/sim/sim-charger.ts';
import { packageRoot } from '../../../adapters/package-root.ts';
import { describeNeeding } from '../../ci-env.ts';
import { hangGuardFloorMs } from '../../hang-guard.ts';
import { closeSharedPool, sharedSolver } from '../service-harness.ts';
import { chromiumMissing, dashboardTokens, ensureDashboardBuilt, launchChromium, startDashboardService, type RunningDashboard } from './dashboard-kit.ts';

const artifacts = path.join(packageRoot, 'test-artifacts', 'dashboard');
/** Short gateway beats: a silent gateway's chargers read as disconnected after 3 of them. */
const gatewayBeatMs = 300;

describeNeeding('dashboard in headless Chromium', chromiumMissing, () => {
  let running: RunningDashboard;
  let browser: Browser;
  let page: Page;
  const consoleErrors: string[] = [];
  let serviceClosed = false;
  // Chrome logs every 4xx answer as a console error: the ones a step provokes on purpose (a wrong token, a bad
  // field) are allowed while that step runs, and only those.
  let provoking: RegExp | undefined;
  const onConsole = (type: string, text: string) => {
    if (type !== 'error' || serviceClosed) return;
    if (provoking && provoking.test(text)) return;
    consoleErrors.push(text);
  };

  const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
  const planIdOnPage = () => page.getAttribute('[data-testid=site-page]', 'data-plan-id');

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    ensureDashboardBuilt();
    running = await startDashboardService({ vehicles: 12, solve: sharedSolver(), gatewayBeatMs });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => onConsole(m.type(), m.text()));
    page.on('pageerror', (e) => consoleErrors.push(String(e)));
  });

  afterAll(async () => {
    await browser?.close();
    if (!serviceClosed) await running?.close();
    await closeSharedPool();
  });

  it('signs in with a token and shows the demo depot on the overview', async () => {
    await page.goto(`${running.baseUrl}/`);
    provoking = /status of 401/;
    await page.fill('#token', 'not-a-token-at-all');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('#token-error')).toContain('not a known bearer token');
    provoking = undefined;
    await page.fill('#token', dashboardTokens.admin);
    await page.click('button[type=submit]');
    const card = page.locator('[data-site=demo-depot]');
    await card.waitFor();
    expect(await card.textContent()).toMatch(/Import now.*kW of .* kW limit/);
    expect(await card.textContent()).toMatch(/uncontrolled/);
    await shot('overview');
  });

  it('a portfolio written through the API shows on the overview without a reload: its sites, their import against the shared limit, links to the sites', async () => {
    const response = await fetch(`${running.baseUrl}/v1/portfolios`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dashboardTokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'feeder-north', name: 'Feeder North', kind: 'feeder', timeZone: 'Europe/Berlin', siteIds: ['demo-depot'], sharedLimits: { importLimitKw: 400 } }),
    });
    expect(response.status).toBe(201);
    const card = page.locator('[data-portfolio=feeder-north]');
    await card.waitFor();
    const sum = /^([\d.,]+) kW of 400 kW shared limit \(feeder\): ([\d.,]+) kW (headroom|over)$/.exec((await card.locator('[data-testid=portfolio-import]').textContent())!);
    expect(sum).not.toBeNull();
    // One member: the sum is its import, and the headroom is what the limit leaves.
    const member = /import ([\d.,]+) kW/.exec((await card.locator('li').textContent())!);
    expect(member?.[1]).toBe(sum![1]);
    const n = (x: string) => Number(x.replace(/,/g, ''));
    expect(n(sum![2]!)).toBeCloseTo(sum![3] === 'headroom' ? 400 - n(sum![1]!) : n(sum![1]!) - 400, 0);
    await shot('overview-portfolio');
    await card.locator('a[href="#/sites/demo-depot"]').click();
    await page.locator('[data-testid=site-page]').waitFor();
    await page.click('nav.top a[href="#/"]');
    await card.waitFor();
  });

  it('opens the depot page with its charts, vehicles and chargers', async () => {
    await page.click('[data-site=demo-depot] a[href="#/sites/demo-depot"]');
    for (const chart of ['price-chart', 'load-chart']) await page.locator(`[data-testid=${chart}] canvas`).waitFor();
    // The flexibility chart is drawn when scrolled into view.
    await page.locator('[data-testid=flex-chart], [data-testid=flex-chart-pending]').first().scrollIntoViewIfNeeded();
    await page.locator('[data-testid=flex-chart] canvas').waitFor();
    expect(await page.getAttribute('[data-testid=vehicle-table]', 'data-rows')).toBe('12');
    expect(await page.getAttribute('[data-testid=charger-table]', 'data-rows')).toBe('12');
    expect(await page.locator('[data-testid=vehicle-table] tbody tr.row').count()).toBeGreaterThan(0);
    expect(await page.textContent('[data-testid=site-page]')).toContain('Europe/Berlin');
    await page.locator('[data-testid=vehicle-table] tbody tr.row').first().locator('button').press('Enter');
    await page.locator('[data-testid=vehicle-chart] canvas').waitFor();
    await shot('site');
  });

  it('a dispatch posted through the API changes the plan and the chart without a reload', async () => {
    await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
    const before = await planIdOnPage();
    const chartBefore = await page.locator('[data-testid=load-chart] canvas').evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
    const hour = 3_600_000;
    const start = new Date(Math.ceil(Date.now() / hour) * hour).toISOString();
    const end = new Date(Math.ceil(Date.now() / hour) * hour + 3 * hour).toISOString();
    const response = await fetch(`${running.baseUrl}/v1/sites/demo-depot/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dashboardTokens.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'import-limit', powerKw: 5, start, end, reference: 'e2e-limit' }),
    });
    expect(response.status).toBe(201);
    const dispatch = (await response.json()) as { id: string; acknowledgement: { planId: string } };
    await page.locator(`[data-dispatch="${dispatch.id}"]`).waitFor();
    await expect.poll(planIdOnPage, { timeout: 30_000 }).toBe(dispatch.acknowledgement.planId);
    expect(dispatch.acknowledgement.planId).not.toBe(before);
    await expect.poll(() => page.locator('[data-testid=load-chart] canvas').evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL())).not.toBe(chartBefore);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: number }).marker)).toBe(42);
    expect(await page.textContent('#replan-title + p')).toContain('dispatch');
    await shot('after-dispatch');
  });

  it('a simulated charger connecting and disconnecting shows on the page', async () => {
    const row = page.locator('[data-charger="SIM-0001"]');
    expect(await row.getAttribute('data-connected')).toBe('no');
    const charger = new SimCharger({ url: running.service.ocpp!.url, id: 'SIM-0001', version: '1.6', reconnect: false, callTimeoutMs: hangGuardFloorMs }); // a slow machine must not time out a call
    try {
      await charger.start();
      await expect.poll(() => row.getAttribute('data-connected'), { timeout: 30_000 }).toBe('yes');
      expect(await row.textContent()).toMatch(/ocpp1\.6/);
      await shot('charger-connected');
    } finally {
      await charger.close();
    }
    await expect.poll(() => row.getAttribute('data-connected'), { timeout: 30_000 }).toBe('no');
    expect(await row.textContent()).toContain('disconnected');
    await shot('charger-disconnected');
  });

  it("shows the API's field-named error next to the field", async () => {
    provoking = /status of 400/;
    await page.fill('#dispatch-power', '-5');
    await page.click('form[aria-label="Post a dispatch"] button[type=submit]');
    await expect.poll(() => page.textContent('#dispatch-power-error')).toContain('>= 0');
    provoking = undefined;
    await shot('field-error');
  });

  it('a read-only token sees the page and no actions', async () => {
    const reader = await browser.newPage({ viewport: { width: 390, height: 844 } });
    reader.on('console', (m) => onConsole(m.type(), m.text()));
    try {
      await reader.goto(`${running.baseUrl}/#/sites/demo-depot`);
      await reader.fill('#token', dashboardTokens.read);
      await reader.click('button[type=submit]');
      await reader.locator('[data-testid=load-chart] canvas').waitFor();
      expect(await reader.locator('form[aria-label="Post a dispatch"]').count()).toBe(0);
      expect(await reader.locator('text=Re-plan now').count()).toBe(0);
      expect(await reader.textContent('[data-testid=site-page]')).toContain('needs a token with the dispatch scope');
      // Usable on a phone: nothing is wider than the screen (wide tables scroll inside their own box).
      const overflow = () => reader.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement.scrollWidth - (globalThis as unknown as { document: { documentElement: { clientWidth: number } } }).document.documentElement.clientWidth);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await reader.screenshot({ path: path.join(artifacts, 'phone-read-only.png') });
      await reader.screenshot({ path: path.join(artifacts, 'phone-site-full.png'), fullPage: true });
      await reader.click('nav.top a[href="#/"]');
      await reader.locator('[data-portfolio=feeder-north]').waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await reader.screenshot({ path: path.join(artifacts, 'phone-overview.png'), fullPage: true });
    } finally {
      await reader.close();
    }
  });

  it('a crashed gateway (its beats stop, nothing written) shows its charger as disconnected, with the reason, without a reload', async () => {
    const row = page.locator('[data-charger="SIM-0002"]');
    expect(await row.getAttribute('data-connected')).toBe('no');
    const board = running.service.ctx.chargerStatus;
    const gateway = 'e2e-host:4242';
    // What a gateway process writes when a charger connects to it, and its beat; then the process "crashes".
    await board.putGatewayBeat(gateway, Date.now());
    await board.putLink('SIM-0002', { connected: true, version: 'ocpp2.0.1', sinceUtcMs: Date.now(), gateway });
    await expect.poll(() => row.getAttribute('data-connected'), { timeout: 30_000 }).toBe('yes');
    await expect.poll(() => row.getAttribute('data-connected'), { timeout: 30_000 }).toBe('no');
    expect(await row.textContent()).toContain(`gateway ${gateway} silent since`);
    await shot('gateway-silent');
  });

  it('had no console errors; shows "connection lost, retrying" while the service is away and recovers when it is back', async () => {
    expect(consoleErrors).toEqual([]);
    const port = Number(new URL(running.baseUrl).port);
    serviceClosed = true;
    await running.close();
    await expect.poll(() => page.textContent('[data-testid=live-state]'), { timeout: 30_000 }).toContain('Connection lost, retrying');
    await shot('connection-lost');
    // The service comes back on the same address (a restart: a fresh embedded store with the demo depot again).
    running = await startDashboardService({ vehicles: 12, solve: sharedSolver(), gatewayBeatMs, port });
    // Chrome reports the requests refused while the service was away, some of them late: those, and only those, are allowed.
    serviceClosed = false;
    provoking = /ERR_CONNECTION_REFUSED/;
    const planId = (await running.service.ctx.store.getPlanState('demo-depot')).currentPlanId;
    await expect.poll(() => page.textContent('[data-testid=live-state]'), { timeout: 60_000 }).toBe('live');
    // After reconnecting the page re-reads: it shows the restarted service's plan, without a reload.
    await expect.poll(planIdOnPage, { timeout: 30_000 }).toBe(planId);
    expect(await page.locator('.banner.error').count()).toBe(0);
    await shot('connection-recovered');
    expect(consoleErrors.join('\n')).toBe('');
  });
});
