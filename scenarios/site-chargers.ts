/**
 * The site's chargers and the rule for sessions at chargers the site model does not list.
 *
 * Rules (stated per scenario in scenarios/README.md):
 * - a session at a charger in the scenario's `exclude` list is left out with that list's reason (the Caltech
 *   DC fast charger, space 11900388, is excluded this way: it is not a Level-2 EVSE of the site model);
 * - a session at a charger the site lists is replayed at that charger;
 * - any other session is, by `unknownChargers`, either left out (`skip`, reason `unknown-charger`) or replayed
 *   at a charger created from `autoCreateCharger` (`auto-create`); both are reported.
 */
import type { ChargerSpec, ExcludedSession, SourceSession } from './replay-session.ts';
import type { ChargerGroup, Scenario } from './scenario-schema.ts';

function spec(id: string, g: Omit<ChargerGroup, 'ids'>, autoCreated: boolean): ChargerSpec {
  return {
    id,
    ...(g.maxPowerKw !== undefined ? { maxPowerKw: g.maxPowerKw } : {}),
    ...(g.maxCurrentA !== undefined && g.phases !== undefined && g.voltageV !== undefined
      ? { ac: { maxCurrentA: g.maxCurrentA, phases: g.phases, voltageV: g.voltageV, ...(g.minCurrentA !== undefined ? { minCurrentA: g.minCurrentA } : {}) } }
      : {}),
    canDischarge: g.canDischarge,
    ...(g.maxDischargeKw !== undefined ? { maxDischargeKw: g.maxDischargeKw } : {}),
    autoCreated,
  };
}

/** The sessions matched to chargers, the sessions left out, and the chargers created by `auto-create`. */
export interface ChargerMatch {
  readonly matched: readonly { readonly session: SourceSession; readonly charger: ChargerSpec }[];
  readonly excluded: readonly ExcludedSession[];
  readonly autoCreated: readonly string[];
}

/** Applies the exclusion list and the unknown-charger rule to `sessions` (in their order). */
export function matchChargers(scenario: Scenario, sessions: readonly SourceSession[]): ChargerMatch {
  const site = scenario.site;
  const known = new Map<string, ChargerSpec>();
  for (const g of site.chargers) for (const id of g.ids) known.set(id, spec(id, g, false));
  const src = scenario.data.sessions;
  const excludeReason = new Map((src.kind === 'acn-csv' ? src.exclude ?? [] : []).map((e) => [e.chargerId, e.reason]));
  const matched: { session: SourceSession; charger: ChargerSpec }[] = [];
  const excluded: ExcludedSession[] = [];
  const autoCreated: string[] = [];
  for (const s of sessions) {
    const reason = excludeReason.get(s.chargerId);
    if (reason !== undefined) {
      excluded.push({ id: s.id, chargerId: s.chargerId, reason, line: s.line });
      continue;
    }
    let charger = known.get(s.chargerId);
    if (charger === undefined) {
      if (site.unknownChargers === 'skip' || site.autoCreateCharger === undefined) {
        excluded.push({ id: s.id, chargerId: s.chargerId, reason: 'unknown-charger', line: s.line });
        continue;
      }
      charger = spec(s.chargerId, site.autoCreateCharger, true);
      known.set(s.chargerId, charger);
      autoCreated.push(s.chargerId);
    }
    matched.push({ session: s, charger });
  }
  return { matched, excluded, autoCreated };
}
