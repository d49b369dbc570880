/**
 * Scenarios with a three-phase network: the file format (field-named errors for a network that does not fit
 * the site's chargers), replays of every policy keeping every exact current limit in the simulated physics,
 * and the network KPIs (NEMA unbalance, utilisation, line loading, per-element peaks in run.json).
 */
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SiteNetwork } from '../../grid/site-network.ts';
import type { LpBackend } from '../../optimizer/backends/lp-backend.ts';
import { ScenarioError } from '../../scenarios/errors.ts';
import { computeKpis, scenarioNetworkLoading } from '../../scenarios/kpis.ts';
import { policyNames, type PolicyName } from '../../scenarios/policies.ts';
import { policySupportsNetwork } from '../../scenarios/policy-names.ts';
import { runReplay } from '../../scenarios/replay-engine.ts';
import { timeseriesCsv } from '../../scenarios/result-csv.ts';
import type { ReplayResult } from '../../scenarios/replay-result.ts';
import { runRecord } from '../../scenarios/run-record.ts';
import { readScenario } from '../../scenarios/scenario-parse.ts';
import { demoInputs, demoNetwork as demoNetworkOf, highsBackend, shippedJson } from './scenario-test-helpers.ts';

/** Every policy that plans on a network (`mpc-forecast` is refused there: arrival-forecast.test.ts). */
const networkPolicies = policyNames.filter(policySupportsNetwork);

/**
 * The demo depot's chargers on a 400/230 V site: the four bidirectional 11 kW chargers single-phase
 * (two on L1, one each on L2 and L3), the four 16 A three-phase chargers balanced; a 40 kVA transformer
 * (58 A per line), so a few cars at once load one line well above the others.
 */
const demoNetwork = demoNetworkOf(40);

const withSite = (site: Record<string, unknown>) => {
  const json = shippedJson('generated-demo');
  return { ...json, site: { ...(json.site as Record<string, unknown>), ...site } };
};

function formatIssues(value: unknown): { path?: string; message: string }[] {
  try {
    readScenario(value, 'test');
  } catch (e) {
    if (e instanceof ScenarioError) return e.issues.map((i) => ({ ...(i.path !== undefined ? { path: i.path } : {}), message: i.message }));
    throw e;
  }
  throw new Error('expected the scenario to be refused');
}

describe('scenario files with a network', () => {
  it('a network that fits the chargers is accepted', () => {
    expect(readScenario(withSite({ network: demoNetwork }), 'test').site.network).toEqual(demoNetwork);
  });

  const cases: { name: string; network: SiteNetwork; extra?: Record<string, unknown>; path: string; message: RegExp }[] = [
    {
      name: 'an unknown charger in a group',
      network: { ...demoNetwork, groups: [{ ...demoNetwork.groups[0]!, chargerIds: ['dc-01', 'dc-02', 'dc-99'] }, ...demoNetwork.groups.slice(1)] },
      path: '/site/network/groups/0/chargerIds/2',
      message: /unknown charger "dc-99": the site has no such charger/,
    },
    {
      name: 'a charger of the site in no group',
      network: { ...demoNetwork, groups: [...demoNetwork.groups.slice(0, 3), { ...demoNetwork.groups[3]!, chargerIds: ['ac-01', 'ac-02', 'ac-03'] }] },
      path: '/site/chargers/1/ids/3',
      message: /charger "ac-04" is in no group of the network/,
    },
    {
      name: 'an angle outside the phases',
      network: { ...demoNetwork, groups: [{ ...demoNetwork.groups[0]!, angleDeg: 120 }, ...demoNetwork.groups.slice(1)] },
      path: '/site/network/groups/0/angleDeg',
      message: /120 degrees is not on phase AN/,
    },
    {
      name: "a transformer too small for one charger's minimum (6 A x 3 phases at 230 V)",
      network: { ...demoNetwork, transformer: { ratingKva: 3, secondaryVoltageV: 230 } },
      path: '/site/network/transformer/ratingKva',
      message: /4\.34783 A \(transformer secondary line a\) is below the 6 A that charger "ac-01" alone draws at its minimum power 4\.14 kW/,
    },
    {
      name: "a three-phase charger's AC limit in a single-phase group",
      network: { ...demoNetwork, groups: [{ ...demoNetwork.groups[0]!, chargerIds: ['dc-01', 'dc-02', 'ac-01'] }, demoNetwork.groups[1]!, demoNetwork.groups[2]!, { ...demoNetwork.groups[3]!, chargerIds: ['ac-02', 'ac-03', 'ac-04'] }] },
      path: '/site/chargers/1',
      message: /230 V x 3 phase\(s\) does not match group "L1": 230 V x 1 phase\(s\) on AN/,
    },
    {
      name: 'auto-created chargers with a network',
      network: demoNetwork,
      extra: { unknownChargers: 'auto-create', autoCreateCharger: { maxPowerKw: 11, canDischarge: false } },
      path: '/site/unknownChargers',
      message: /must be 'skip' with a network/,
    },
  ];

  it.each(cases)('$name is refused at its pointer', ({ network, extra, path, message }) => {
    const issues = formatIssues(withSite({ network, ...(extra ?? {}) }));
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('a malformed network is refused by the schema, field by field', () => {
    const issues = formatIssues(withSite({ network: { ...demoNetwork, groups: [{ ...demoNetwork.groups[0]!, connection: 'AX' }], transformer: { ratingKva: -1, secondaryVoltageV: 230 } } }));
    expect(issues.map((i) => i.path)).toEqual(expect.arrayContaining(['/site/network/groups/0/connection', '/site/network/transformer/ratingKva']));
  });
});

describe('replays on a network keep every exact current limit', () => {
  let backend: LpBackend;
  const runs = new Map<PolicyName, ReplayResult>();
  // A 6-hour look-ahead keeps the eight replays (MPC re-solves every quarter-hour) short.
  const inputs = demoInputs({ site: { network: demoNetwork }, horizonHours: 6 } as never);

  beforeAll(async () => {
    backend = await highsBackend();
    for (const policy of networkPolicies) runs.set(policy, runReplay(inputs, policy, { solver: { backend }, clock: () => 0 }));
  }, 600_000);

  it('true uncontrolled ignores the network: its overloads are counted, not prevented', () => {
    const k = computeKpis(runs.get('uncontrolled')!);
    expect(k.networkViolationSlots).toBeGreaterThan(0);
    expect(k.peakLineLoadingPct!).toBeGreaterThan(100);
  });

  it.each(networkPolicies.filter((p) => p !== 'uncontrolled'))('%s: no element above its limit in any slot, and the network KPIs are reported', (policy) => {
    const r = runs.get(policy)!;
    const k = computeKpis(r);
    expect(k.networkViolationSlots).toBe(0);
    expect(k.peakLineLoadingPct!).toBeLessThanOrEqual(100 + 1e-6);
    expect(k.peakLineLoadingPct!).toBeGreaterThan(0);
    expect(k.currentUnbalancePct).toBeGreaterThanOrEqual(0);
    expect(k.maxUtilisationPct).toBeCloseTo((100 * k.peakImportKw) / 40, 9);
  });

  it('the network binds: uncontrolled charging without it would overload a line', () => {
    const free = runReplay(demoInputs(), 'uncontrolled', { clock: () => 0 });
    const overloaded = scenarioNetworkLoading({ ...free, network: runs.get('fcfs')!.network! })!;
    expect(overloaded.peakLoadingPct!).toBeGreaterThan(100);
  });

  it('run.json lists every element with its peak and limit, and the unbalance', () => {
    const r = runs.get('mpc')!;
    const record = JSON.parse(JSON.stringify(runRecord(inputs, r, { gitCommit: 'unknown' }, [])));
    const names = record.network.elements.map((e: { name: string }) => e.name);
    expect(names).toEqual(expect.arrayContaining(['group L1', 'group 3ph', 'breaker dc-panel line a', 'transformer secondary line a', 'transformer primary line c']));
    const secondary = record.network.elements.find((e: { name: string }) => e.name === 'transformer secondary line a');
    expect(secondary.limitA).toBeCloseTo(40_000 / 3 / 230, 9);
    expect(secondary.peakA).toBeLessThanOrEqual(secondary.limitA + 1e-6);
    expect(record.kpis.currentUnbalancePct).toBe(record.network.meanSecondaryUnbalancePct);
  });

  it('timeseries.csv has every element\'s current and the secondary unbalance per slot, matching the KPIs', () => {
    const r = runs.get('edf')!;
    const table = parse(timeseriesCsv(r), { columns: true }) as Record<string, string>[];
    const loading = scenarioNetworkLoading(r)!;
    for (const e of loading.elements) {
      const column = table.map((row) => Number(row[`current_a:${e.name}`]));
      expect(Math.max(...column)).toBeCloseTo(e.peakA, 5);
    }
    const unbalance = table.map((row) => row.secondary_unbalance_pct).filter((x) => x !== '').map(Number);
    expect(unbalance.reduce((a, b) => a + b, 0) / unbalance.length).toBeCloseTo(computeKpis(r).currentUnbalancePct!, 4);
    expect(Object.keys(parse(timeseriesCsv(runReplay(demoInputs(), 'edf', { clock: () => 0 })), { columns: true })[0] as object).some((c) => c.startsWith('current_a:'))).toBe(false);
  });

  it('a run without a network has null network KPIs in run.json', () => {
    const plain = demoInputs();
    const r = runReplay(plain, 'edf', { clock: () => 0 });
    const record = JSON.parse(JSON.stringify(runRecord(plain, r, { gitCommit: 'unknown' }, [])));
    expect(record.kpis.currentUnbalancePct).toBeNull();
    expect(record.kpis.peakLineLoadingPct).toBeNull();
    expect(record.network).toBeUndefined();
    expect(record.kpis.maxUtilisationPct).toBeCloseTo((100 * record.kpis.peakImportKw) / 80, 9);
  });
});
