/**
 * The safe first limit of a new OCPP transaction (pure): what its vehicle may draw from the moment it
 * plugs in until the re-plan gives its session a plan of its own.
 *
 * - Charge only: never negative, whatever the session's consent or the charger (a discharge is only ever
 *   sent from the session's own plan).
 * - From its own state: its charger's power limit (`maxPowerKw`, else the AC limit A x V x phases), and 0
 *   when the battery already holds its target (or is full).
 * - Within the site's headroom now: the import limit of the slot containing now (connection, transformer,
 *   active import-limit dispatches and capacity limits, as the site problem sees them) minus the base load
 *   plus PV now, minus what the other sessions draw now: their planned charge in the plan in force, or,
 *   for a session the plan does not have yet, its charger's full power (it may be on its own first limit).
 * - Never built from another session's plan or state.
 */
import type { FirstLimit } from '../ocpp/csms-port.ts';
import type { PlanRecord, SessionRecord, SiteRecord } from '../store/records.ts';

/** The site's import limit, base load and PV in the slot containing now (kW). */
export interface SiteNow {
  readonly importLimitKw: number;
  readonly baseLoadKw: number;
  readonly pvKw: number;
  /** Where these numbers come from (e.g. `site problem` or `connection only (no price signal)`). */
  readonly source: string;
}

export interface FirstLimitInput {
  readonly site: SiteRecord;
  readonly session: SessionRecord;
  /** Every session of the site (the new one may be among them). */
  readonly sessions: readonly SessionRecord[];
  readonly planInForce?: PlanRecord;
  readonly siteNow: SiteNow;
  readonly nowUtcMs: number;
  /** The session's energy now (kWh). */
  readonly energyKwh: number;
}

const round2 = (x: number) => Math.floor(x * 100) / 100;

/** A charger's power limit (kW), from its record. */
export function chargerMaxKw(site: SiteRecord, siteChargerId: string): number {
  const c = site.chargers.find((x) => x.id === siteChargerId);
  if (!c) return 0;
  const ac = c.ac ? (c.ac.maxCurrentA * c.ac.voltageV * c.ac.phases) / 1000 : Infinity;
  const kw = Math.min(c.maxPowerKw ?? Infinity, ac);
  return Number.isFinite(kw) ? kw : 0;
}

/** What the other sessions draw now (kW, charge only). */
function othersNowKw(input: FirstLimitInput): number {
  const { planInForce: plan, nowUtcMs, session } = input;
  const slot = plan ? Math.floor((nowUtcMs - plan.grid.startUtcMs) / plan.grid.slotMs) : -1;
  let sum = 0;
  for (const other of input.sessions) {
    if (other.id === session.id || other.arrivalUtcMs > nowUtcMs || other.departureUtcMs <= nowUtcMs) continue;
    const planned = plan?.plan.vehicles.find((v) => v.id === other.id);
    const kw = planned && slot >= 0 && slot < planned.powerKw.length ? Math.max(0, planned.powerKw[slot]!) : chargerMaxKw(input.site, other.chargerId);
    sum += kw;
  }
  return sum;
}

/** The safe first limit (kW >= 0) and how it was derived. */
export function firstLimitOf(input: FirstLimitInput): FirstLimit {
  const { session, siteNow } = input;
  const ownKw = chargerMaxKw(input.site, session.chargerId);
  const target = session.targetEnergyKwh ?? (session.capacityKwh * (session.targetSocPercent ?? 100)) / 100;
  const needed = Math.min(target, session.capacityKwh) - input.energyKwh;
  const othersKw = othersNowKw(input);
  const headroomKw = siteNow.importLimitKw - siteNow.baseLoadKw + siteNow.pvKw - othersKw;
  const kw = needed <= 0 ? 0 : Math.max(0, Math.min(ownKw, headroomKw));
  const parts = [
    `charger ${round2(ownKw)} kW`,
    `site headroom ${round2(headroomKw)} kW (import limit ${round2(siteNow.importLimitKw)} - base load ${round2(siteNow.baseLoadKw)} + PV ${round2(siteNow.pvKw)} - other sessions ${round2(othersKw)}; ${siteNow.source})`,
    ...(needed <= 0 ? ['the battery holds its target'] : []),
  ];
  return { maxPowerKw: round2(kw), reason: `safe first limit: ${parts.join(', ')}` };
}
