/**
 * Reading a scenario: JSON text in, a validated `Scenario` out, or a `ScenarioError`
 * (`V2G_ERR_SCENARIO_FORMAT`) listing every problem with its JSON Pointer.
 */
import { Compile } from 'typebox/compile';
import { parseRfc3339 } from '../grid/instant.ts';
import { schemaIssues } from '../optimizer/schema-issues.ts';
import { isKnownZone } from '../grid/zone.ts';
import { siteNetworkIssues, type SiteChargerFacts } from '../grid/site-network.ts';
import { cityLearnHomes } from './citylearn-load.ts';
import { ScenarioError, type ScenarioIssue } from './errors.ts';
import type { Distribution } from './random.ts';
import { isPolicyName, policyNames } from './policies.ts';
import { ScenarioSchema, type ChargerGroup, type LoadSource, type Scenario } from './scenario-schema.ts';

const compiled = Compile(ScenarioSchema);

function distributionIssues(d: { kind: string; min?: number; max?: number }, path: string): ScenarioIssue[] {
  if ((d.kind === 'uniform' || d.kind === 'normal') && d.min !== undefined && d.max !== undefined && d.min > d.max) {
    return [{ path, message: `min (${d.min}) is above max (${d.max})` }];
  }
  return [];
}

/** The values a distribution can draw: [lowest, highest], and the pointer of the field that sets each. */
function distributionRange(d: Distribution, path: string): { low: number; lowAt: string; high: number; highAt: string } {
  switch (d.kind) {
    case 'fixed':
      return { low: d.value, lowAt: `${path}/value`, high: d.value, highAt: `${path}/value` };
    case 'choice': {
      const lo = d.values.indexOf(Math.min(...d.values));
      const hi = d.values.indexOf(Math.max(...d.values));
      return { low: d.values[lo]!, lowAt: `${path}/values/${lo}`, high: d.values[hi]!, highAt: `${path}/values/${hi}` };
    }
    case 'uniform':
    case 'normal':
      return { low: d.min, lowAt: `${path}/min`, high: d.max, highAt: `${path}/max` };
  }
}

/** The homes of a CityLearn load or PV source: each one of the file's 17 (b01-b17), none twice. */
function cityLearnHomeIssues(source: LoadSource | undefined, path: string): ScenarioIssue[] {
  if (source?.kind !== 'citylearn-csv' || source.homes === 'all') return [];
  const issues: ScenarioIssue[] = [];
  source.homes.forEach((home, i) => {
    if (!cityLearnHomes.includes(home)) issues.push({ path: `${path}/homes/${i}`, message: `"${home}" is not a home of the CityLearn 2022 file (b01 to b17)` });
    else if (source.homes.indexOf(home) !== i) issues.push({ path: `${path}/homes/${i}`, message: `"${home}" is listed twice (it would be counted twice)` });
  });
  return issues;
}

/** A battery capacity must be drawn above 0 kWh; an initial SoC within 0-100 %. */
function fleetDrawIssues(a: Scenario['assumptions']): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const capacity = distributionRange(a.batteryCapacityKwh, '/assumptions/batteryCapacityKwh');
  if (capacity.low <= 0) issues.push({ path: capacity.lowAt, message: `can draw a battery of ${capacity.low} kWh; capacities must be above 0` });
  const soc = distributionRange(a.initialSocPct, '/assumptions/initialSocPct');
  if (soc.low < 0) issues.push({ path: soc.lowAt, message: `can draw an initial SoC of ${soc.low} %; it must be within 0-100` });
  if (soc.high > 100) issues.push({ path: soc.highAt, message: `can draw an initial SoC of ${soc.high} %; it must be within 0-100` });
  return issues;
}

function chargerIssues(c: Omit<ChargerGroup, 'ids'>, path: string): ScenarioIssue[] {
  const ac = [c.maxCurrentA, c.phases, c.voltageV].filter((x) => x !== undefined).length;
  const issues: ScenarioIssue[] = [];
  if (ac !== 0 && ac !== 3) issues.push({ path, message: 'an AC limit needs maxCurrentA, phases and voltageV together' });
  if (c.maxPowerKw === undefined && ac !== 3) issues.push({ path, message: 'give maxPowerKw or an AC limit (maxCurrentA, phases, voltageV)' });
  if (c.minCurrentA !== undefined && c.maxCurrentA !== undefined && c.minCurrentA > c.maxCurrentA) {
    issues.push({ path: `${path}/minCurrentA`, message: `exceeds maxCurrentA (${c.maxCurrentA})` });
  }
  return issues;
}

/** A site network against the scenario's chargers (grid/site-network.ts); auto-created chargers would be in no group. */
function networkIssues(site: Scenario['site']): ScenarioIssue[] {
  if (site.network === undefined) return [];
  const issues: ScenarioIssue[] = [];
  if (site.unknownChargers === 'auto-create') {
    issues.push({ path: '/site/unknownChargers', message: "must be 'skip' with a network: an auto-created charger would be in no group of /site/network" });
  }
  const chargers: SiteChargerFacts[] = site.chargers.flatMap((g, i) =>
    g.ids.map((id, k) => ({
      id,
      idPath: `/site/chargers/${i}/ids/${k}`,
      acPath: `/site/chargers/${i}`,
      ...(g.maxCurrentA !== undefined && g.phases !== undefined && g.voltageV !== undefined
        ? { ac: { voltageV: g.voltageV, phases: g.phases, ...(g.minCurrentA !== undefined ? { minCurrentA: g.minCurrentA } : {}) } }
        : {}),
    })),
  );
  return [...issues, ...siteNetworkIssues(site.network, chargers, '/site/network').map((i) => ({ path: i.path ?? '/site/network', message: i.message }))];
}

/** The rules the schema cannot express. */
function ruleIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  if (!isKnownZone(s.site.zone)) issues.push({ path: '/site/zone', message: `"${s.site.zone}" is not an IANA time zone name` });
  const start = parseRfc3339(s.period.start);
  const end = parseRfc3339(s.period.end);
  if (!start.ok) issues.push({ path: '/period/start', message: start.message });
  if (!end.ok) issues.push({ path: '/period/end', message: end.message });
  if (start.ok && end.ok && end.utcMs <= start.utcMs) issues.push({ path: '/period/end', message: 'is not after the period start' });
  if (1440 % s.slotMinutes !== 0) issues.push({ path: '/slotMinutes', message: `${s.slotMinutes} does not divide 24 h` });
  if (s.slotMinutes % s.physics.substepMinutes !== 0) {
    issues.push({ path: '/physics/substepMinutes', message: `${s.physics.substepMinutes} does not divide the slot (${s.slotMinutes} min)` });
  }
  if ((s.horizonHours * 60) % s.slotMinutes !== 0) {
    issues.push({ path: '/horizonHours', message: `${s.horizonHours} h is not a whole number of ${s.slotMinutes}-minute slots` });
  }
  const seen = new Map<string, string>();
  s.site.chargers.forEach((c, i) => {
    issues.push(...chargerIssues(c, `/site/chargers/${i}`));
    c.ids.forEach((id, k) => {
      const at = `/site/chargers/${i}/ids/${k}`;
      const before = seen.get(id);
      if (before !== undefined) issues.push({ path: at, message: `charger "${id}" is listed twice (also ${before})` });
      else seen.set(id, at);
    });
  });
  if (s.site.unknownChargers === 'auto-create') {
    if (s.site.autoCreateCharger === undefined) issues.push({ path: '/site/autoCreateCharger', message: "is required when unknownChargers is 'auto-create'" });
    else issues.push(...chargerIssues(s.site.autoCreateCharger, '/site/autoCreateCharger'));
  }
  issues.push(...networkIssues(s.site));
  const src = s.data.sessions;
  if (src.kind === 'acn-csv' && src.timeAlignment && !isKnownZone(src.timeAlignment.fromZone)) {
    issues.push({ path: '/data/sessions/timeAlignment/fromZone', message: `"${src.timeAlignment.fromZone}" is not an IANA time zone name` });
  }
  issues.push(...cityLearnHomeIssues(s.data.baseLoad, '/data/baseLoad'), ...cityLearnHomeIssues(s.data.pv, '/data/pv'));
  if (s.data.prices.kind === 'tou-tariff' && s.data.prices.useDemandCharge && s.data.demandCharge !== undefined) {
    issues.push({ path: '/data/demandCharge', message: 'the tariff already brings its demand charge (useDemandCharge); give one or the other' });
  }
  if (!isPolicyName(s.policy.name)) issues.push({ path: '/policy/name', message: `"${s.policy.name}" is not one of ${policyNames.join(', ')}` });
  issues.push(...distributionIssues(s.assumptions.batteryCapacityKwh, '/assumptions/batteryCapacityKwh'));
  issues.push(...distributionIssues(s.assumptions.initialSocPct, '/assumptions/initialSocPct'));
  issues.push(...fleetDrawIssues(s.assumptions));
  if (s.assumptions.reserveSocPct >= s.assumptions.maxTargetSocPct) {
    issues.push({ path: '/assumptions/reserveSocPct', message: `must be below maxTargetSocPct (${s.assumptions.maxTargetSocPct})` });
  }
  return issues;
}

/** Validates a scenario value (already parsed JSON). Throws `V2G_ERR_SCENARIO_FORMAT` listing every problem. */
export function readScenario(value: unknown, source = 'The scenario'): Scenario {
  if (!compiled.Check(value)) {
    throw new ScenarioError('V2G_ERR_SCENARIO_FORMAT', `${source} does not match the scenario schema`, schemaIssues(compiled, value));
  }
  const issues = ruleIssues(value);
  if (issues.length > 0) throw new ScenarioError('V2G_ERR_SCENARIO_FORMAT', `${source} breaks scenario rules`, issues);
  return value;
}

/** Parses and validates scenario JSON text. */
export function parseScenario(text: string, source = 'The scenario'): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError('V2G_ERR_SCENARIO_FORMAT', `${source} is not JSON`, [{ line: 1, message: (e as Error).message }]);
  }
  return readScenario(value, source);
}

/** A data file a scenario names: the field that names it (JSON Pointer) and the path relative to the data directory. */
export interface ScenarioDataFile {
  readonly pointer: string;
  readonly path: string;
}

/** Every data file the scenario needs (none for a fully generated scenario), without duplicates. */
export function scenarioDataFiles(s: Scenario): ScenarioDataFile[] {
  const out: ScenarioDataFile[] = [];
  const add = (pointer: string, source: { kind: string; path?: string } | undefined) => {
    if (source?.path !== undefined && !out.some((f) => f.path === source.path)) out.push({ pointer: `${pointer}/path`, path: source.path });
  };
  add('/data/sessions', s.data.sessions);
  add('/data/prices', s.data.prices);
  add('/data/baseLoad', s.data.baseLoad);
  add('/data/pv', s.data.pv);
  return out;
}
