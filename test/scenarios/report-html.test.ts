/**
 * report.html: the data it charts (unit) and the page itself in Debian's headless Chromium driven by
 * playwright-core: no console errors, no network, every chart drawn. In CI (CI=true) the browser test runs
 * and fails loudly when /usr/bin/chromium is missing; locally it is skipped with a message.
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { chartJsSource } from '../../adapters/cli/scenario-files.ts';
import { resultKpiColumns } from '../../scenarios/kpi-table.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { maxChargerSeries, reportData } from '../../scenarios/report-data.ts';
import { reportHtml } from '../../scenarios/report-html.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { inCi } from '../ci-env.ts';
import { demoInputs, highsBackend } from './scenario-test-helpers.ts';

const chromiumPath = '/usr/bin/chromium';
const skipBrowser = !existsSync(chromiumPath) && !inCi;
if (skipBrowser) console.warn(`[scenario tests] skipping the report.html browser test: ${chromiumPath} not found (apt-get install chromium); it runs in CI`);

let mpc: ReplayResult;
let offline: ReplayResult;

beforeAll(async () => {
  const backend = await highsBackend();
  const inputs = demoInputs();
  offline = runReplay(inputs, 'offline', { solver: { backend }, clock: () => performance.now() });
  mpc = runReplay(inputs, 'mpc', { solver: { backend }, clock: () => performance.now() });
});

describe('report data', () => {
  it('has one label per slot, one bar per session, and discharge below zero', () => {
    const d = reportData(mpc);
    expect(d.labels).toHaveLength(mpc.slots.startUtcMs.length);
    expect(d.sessions.ids).toHaveLength(mpc.sessions.length);
    const fleetMin = Math.min(...d.fleet.flatMap((c) => c.powerKw));
    expect(fleetMin).toBeLessThan(0);
    expect(d.site.importLimitKw.every((x) => x === null || Number.isFinite(x))).toBe(true);
  });

  it(`sums chargers beyond ${maxChargerSeries} into one series`, () => {
    const many = Array.from({ length: 55 }, (_, i) => ({ chargerId: `c${String(i).padStart(2, '0')}`, powerKw: mpc.slots.startUtcMs.map(() => i + 1) }));
    const d = reportData({ ...mpc, chargerPowerKw: many });
    expect(d.fleet).toHaveLength(maxChargerSeries);
    expect(d.fleet.at(-1)!.label).toBe('48 other chargers');
    expect(d.fleet.at(-1)!.powerKw[0]).toBe((1 + 48) * 48 / 2);
  });

  it('escapes text and keeps script data inert', () => {
    const html = reportHtml({ ...mpc, notes: ['<b>bold</b> </script>'] }, { chartJsSource: '/* chart */' });
    expect(html).toContain('&lt;b&gt;bold&lt;/b&gt; &lt;/script&gt;');
    expect(html.match(/<\/script>/g)).toHaveLength(3);
  });
});

describe.skipIf(skipBrowser)('report.html in headless Chromium', () => {
  it('opens with no console errors and no network, and draws every chart', async () => {
    if (!existsSync(chromiumPath)) throw new Error(`CI=true but ${chromiumPath} is missing: install Debian's chromium (apt-get install chromium)`);
    const dir = mkdtempSync(path.join(tmpdir(), 'v2g-report-'));
    const file = path.join(dir, 'report.html');
    writeFileSync(file, reportHtml(mpc, { chartJsSource: await chartJsSource(), offline }));
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors: string[] = [];
      const network: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) network.push(r.url());
      });
      await page.goto(pathToFileURL(file).href);
      await page.waitForSelector('body[data-charts-ready="4"]', { timeout: 15_000 });
      // Runs in the page (this project compiles without the DOM types, hence the minimal structural types).
      const charts = await page.evaluate(() => {
        interface Canvas { id: string; width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } }
        const page = globalThis as unknown as {
          document: { querySelectorAll(selector: string): Iterable<Canvas> };
          Chart: { getChart(canvas: Canvas): { data: { datasets: { data: (number | null)[] }[] } } | undefined };
        };
        return [...page.document.querySelectorAll('canvas')].map((canvas) => {
          const chart = page.Chart.getChart(canvas);
          const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let painted = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
          return {
            id: canvas.id,
            width: canvas.width,
            height: canvas.height,
            chart: chart !== undefined,
            datasets: chart?.data.datasets.length ?? 0,
            points: chart?.data.datasets.reduce((a, d) => a + d.data.filter((x) => x !== null && x !== 0).length, 0) ?? 0,
            painted,
          };
        });
      });
      expect(errors).toEqual([]);
      expect(network).toEqual([]);
      expect(charts.map((c) => c.id)).toEqual(['chart-price', 'chart-site', 'chart-fleet', 'chart-sessions']);
      for (const c of charts) {
        expect(c.chart, c.id).toBe(true);
        expect(c.width * c.height, c.id).toBeGreaterThan(10_000);
        expect(c.datasets, c.id).toBeGreaterThan(0);
        expect(c.points, c.id).toBeGreaterThan(0);
        expect(c.painted, c.id).toBeGreaterThan(2_000);
      }
      expect(await page.locator('#kpis tbody tr').count()).toBe(resultKpiColumns.length);
      expect(await page.locator('#kpis').innerText()).toContain('netCost');
    } finally {
      await browser.close();
    }
  });
});
