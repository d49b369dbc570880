/**
 * The numbers behind report.html's charts, shaped for Chart.js: slot labels in the site's local time,
 * prices, the site's import against its limit, the fleet's power per charger (stacked; discharge below
 * zero) and each session's energy against its target. Non-finite values (an unlimited import) become null.
 */
import { DateTime } from 'luxon';
import { scenarioNetworkLoading } from './kpis.ts';
import type { ReplayResult } from './replay-result.ts';

/** At most this many series in the fleet stack (the busiest chargers, the rest summed as "other chargers"), so a month with 54 chargers stays readable: no 20-colour stacks. */
export const maxChargerSeries = 8;

/** The report's chart data: per slot (labels, prices, site, fleet per charger) and per session. kW, kWh, currency per kWh. */
export interface ReportData {
  readonly labels: string[];
  readonly currency: string;
  readonly prices: { readonly importPerKwh: number[]; readonly exportPerKwh: number[]; readonly marketPerKwh: number[] };
  readonly site: { readonly importKw: number[]; readonly exportKw: number[]; readonly baseLoadKw: number[]; readonly pvKw: number[]; readonly importLimitKw: (number | null)[] };
  readonly fleet: readonly { readonly label: string; readonly powerKw: number[] }[];
  readonly sessions: { readonly ids: string[]; readonly requestedKwh: number[]; readonly deliveredKwh: number[]; readonly dischargedKwh: number[] };
  /** With a three-phase network: the transformer's secondary line currents (A) and their limit, the NEMA unbalance (%). */
  readonly network?: { readonly lines: readonly { readonly label: string; readonly amps: number[] }[]; readonly limitA: number | null; readonly unbalancePct: (number | null)[] };
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const finiteOrNull = (x: number) => (Number.isFinite(x) ? r3(x) : null);

/** Shapes a replay result for the report's charts. */
export function reportData(result: ReplayResult): ReportData {
  const s = result.slots;
  const labels = s.startUtcMs.map((t) => DateTime.fromMillis(t, { zone: result.zone }).toFormat('ccc dd LLL HH:mm'));
  const byEnergy = [...result.chargerPowerKw]
    .map((c) => ({ ...c, energy: c.powerKw.reduce((a, p) => a + Math.abs(p), 0) }))
    .sort((a, b) => b.energy - a.energy || (a.chargerId < b.chargerId ? -1 : 1));
  const own = byEnergy.slice(0, byEnergy.length > maxChargerSeries ? maxChargerSeries - 1 : maxChargerSeries);
  const rest = byEnergy.slice(own.length);
  const fleet = own
    .sort((a, b) => (a.chargerId < b.chargerId ? -1 : 1))
    .map((c) => ({ label: c.chargerId, powerKw: c.powerKw.map(r3) }));
  if (rest.length > 0) {
    fleet.push({ label: `${rest.length} other chargers`, powerKw: s.startUtcMs.map((_, k) => r3(rest.reduce((a, c) => a + c.powerKw[k]!, 0))) });
  }
  return {
    labels,
    currency: result.currency,
    prices: { importPerKwh: s.importPricePerKwh.map(r3), exportPerKwh: s.exportPricePerKwh.map(r3), marketPerKwh: s.marketPricePerKwh.map(r3) },
    site: {
      importKw: s.importKw.map(r3),
      exportKw: s.exportKw.map((x) => r3(-x)),
      baseLoadKw: s.baseLoadKw.map(r3),
      pvKw: s.pvKw.map(r3),
      importLimitKw: s.importLimitKw.map(finiteOrNull),
    },
    fleet,
    sessions: {
      ids: result.sessions.map((o) => o.session.id),
      requestedKwh: result.sessions.map((o) => r3(o.session.targetEnergyKwh - o.session.initialEnergyKwh)),
      deliveredKwh: result.sessions.map((o) => r3(Math.max(0, Math.min(o.finalEnergyKwh, o.session.targetEnergyKwh) - o.session.initialEnergyKwh))),
      dischargedKwh: result.sessions.map((o) => r3(o.dischargedKwh)),
    },
    ...networkData(result),
  };
}

function networkData(result: ReplayResult): Pick<ReportData, 'network'> {
  const loading = scenarioNetworkLoading(result);
  if (!loading) return {};
  const lines = loading.elements.flatMap((e, k) => (e.kind === 'secondary' ? [{ label: `line ${e.line}`, amps: Array.from(loading.magnitudesA[k]!, r3), limitA: e.limitA }] : []));
  return {
    network: {
      lines: lines.map(({ label, amps }) => ({ label, amps })),
      limitA: lines[0]?.limitA ?? null,
      unbalancePct: Array.from(loading.secondaryUnbalancePct, finiteOrNull),
    },
  };
}
