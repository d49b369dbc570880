/**
 * timeseries.csv (one row per slot) and sessions.csv (one row per session, the excluded ones last with
 * their reason). Instants in RFC 3339 with the site's offset, powers in kW, energies in kWh, prices in the
 * site currency per kWh. Numbers are rounded to 6 decimals. With a three-phase network, timeseries.csv adds
 * one column per network element (`current_a:<element>`: its current magnitude from the chargers' recorded
 * power, A; the element names of run.json's `network`) and the NEMA unbalance of the transformer's secondary
 * lines (`secondary_unbalance_pct`, empty where nothing flows). No wall-clock timing is written
 * here (each decision's time is in timings.json), so identical runs write identical files.
 */
import { stringify } from 'csv-stringify/sync';
import { formatInstant } from '../grid/instant.ts';
import { scenarioNetworkLoading } from './kpis.ts';
import type { ReplayResult } from './replay-result.ts';

/** Booleans as `true`/`false` (csv-stringify's default writes 1 and an empty field). */
const csvOptions = { cast: { boolean: (v: boolean) => String(v) } };

const r6 = (x: number) => (Number.isFinite(x) ? Math.round(x * 1e6) / 1e6 : '');

/** timeseries.csv: one row per slot. */
export function timeseriesCsv(result: ReplayResult): string {
  const s = result.slots;
  const header = [
    'slot_start', 'slot_start_utc', 'market_price_per_kwh', 'import_price_per_kwh', 'export_price_per_kwh', 'base_load_kw', 'pv_kw',
    'pv_curtailed_kw', 'fleet_charge_kw', 'fleet_discharge_kw', 'site_import_kw', 'site_export_kw', 'import_limit_kw', 'export_limit_kw',
    'plugged_vehicles', 'triggers', 'plan_status', 'plan_made',
  ];
  const loading = scenarioNetworkLoading(result);
  if (loading) header.push(...loading.elements.map((e) => `current_a:${e.name}`), 'secondary_unbalance_pct');
  const rows = s.startUtcMs.map((t, k) => [
    formatInstant(t, result.zone),
    new Date(t).toISOString(),
    r6(s.marketPricePerKwh[k]!),
    r6(s.importPricePerKwh[k]!),
    r6(s.exportPricePerKwh[k]!),
    r6(s.baseLoadKw[k]!),
    r6(s.pvKw[k]!),
    r6(s.pvCurtailedKw[k]!),
    r6(s.fleetChargeKw[k]!),
    r6(s.fleetDischargeKw[k]!),
    r6(s.importKw[k]!),
    r6(s.exportKw[k]!),
    r6(s.importLimitKw[k]!),
    r6(s.exportLimitKw[k]!),
    s.pluggedVehicles[k],
    s.triggers[k],
    s.planStatus[k],
    s.planMade[k],
    ...(loading ? [...loading.magnitudesA.map((m) => r6(m[k]!)), r6(loading.secondaryUnbalancePct[k]!)] : []),
  ]);
  return stringify([header, ...rows], csvOptions);
}

/** sessions.csv: one row per replayed session, then one per excluded session. */
export function sessionsCsv(result: ReplayResult): string {
  const header = [
    'session_id', 'charger_id', 'status', 'arrival', 'departure', 'declared_departure', 'declared_from_actual', 'capacity_kwh',
    'initial_energy_kwh', 'target_energy_kwh', 'reserve_energy_kwh', 'final_energy_kwh', 'requested_kwh', 'delivered_kwh', 'unmet_kwh',
    'satisfaction_pct', 'charged_kwh', 'discharged_kwh', 'lowest_energy_kwh', 'v2g_allowed', 'capacity_raised', 'reserve_breach_slots',
    'limited_slots', 'data_line',
  ];
  const at = (t: number) => formatInstant(t, result.zone);
  const rows: unknown[][] = result.sessions.map((o) => {
    const s = o.session;
    const requested = s.targetEnergyKwh - s.initialEnergyKwh;
    const delivered = Math.max(0, Math.min(o.finalEnergyKwh, s.targetEnergyKwh) - s.initialEnergyKwh);
    return [
      s.id, s.charger.id, 'replayed', at(s.arrivalUtcMs), at(s.departureUtcMs), at(s.declaredDepartureUtcMs), s.declaredFromActual,
      r6(s.capacityKwh), r6(s.initialEnergyKwh), r6(s.targetEnergyKwh), r6(s.reserveEnergyKwh), r6(o.finalEnergyKwh), r6(requested),
      r6(delivered), r6(Math.max(0, s.targetEnergyKwh - o.finalEnergyKwh)), r6(requested > 1e-9 ? (100 * delivered) / requested : 100),
      r6(o.chargedKwh), r6(o.dischargedKwh), r6(o.lowestEnergyKwh), s.v2gAllowed, s.capacityRaised, o.reserveBreachSlots, o.limitedSlots,
      s.line,
    ];
  });
  for (const e of result.excluded) {
    rows.push([e.id, e.chargerId, `excluded: ${e.reason}`, ...new Array<string>(header.length - 4).fill(''), e.line]);
  }
  return stringify([header, ...rows], csvOptions);
}
