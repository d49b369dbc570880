/**
 * `validateProblem` on a problem's `network`: every fault the issue names (an unknown charger in a group,
 * an angle outside the three line pairs, a limit below one charger's minimum) and the other rules are
 * reported at the JSON Pointer of the field at fault, with a message that says why.
 */
import { describe, expect, it } from 'vitest';
import type { Network } from '../../../optimizer/network/network-schema.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import { validateProblem, type InputIssue } from '../../../optimizer/problem-validation.ts';
import { aProblem, aVehicle } from '../problem-builders.ts';
import { caltechAc, caltechNetwork } from './network-builders.ts';

function issuesOf(input: unknown): readonly InputIssue[] {
  const result = validateProblem(input);
  expect(result.ok, 'expected the input to be rejected').toBe(false);
  return result.ok ? [] : result.issues;
}

const ac = caltechAc();

/** Two AB chargers, one BC, one CA; one vehicle on cp-ab1. */
const network: Network = {
  groups: [
    { id: 'AB', connection: 'AB', voltageV: 208, chargerIds: ['cp-ab1', 'cp-ab2'] },
    { id: 'BC', connection: 'BC', voltageV: 208, chargerIds: ['cp-bc1'] },
    { id: 'CA', connection: 'CA', voltageV: 208, chargerIds: ['cp-ca1'] },
  ],
  breakers: [{ id: 'pod', maxCurrentA: 80, chargerIds: ['cp-ab1', 'cp-ab2'] }],
  transformer: { secondaryMaxCurrentA: 400, primary: { winding: 'delta', turnsRatio: 4, maxCurrentA: 180 } },
};

const withNetwork = (n: Network, vehicles = [aVehicle({ chargerId: 'cp-ab1', maxChargeKw: undefined, acLimit: ac })]): Problem =>
  aProblem({ network: n, vehicles });

describe('a valid network', () => {
  it('passes: the test network and the shipped Caltech network at 10 and 125 kVA', () => {
    expect(validateProblem(withNetwork(network))).toMatchObject({ ok: true });
    for (const kva of [10, 125]) expect(validateProblem(withNetwork(caltechNetwork(kva), [aVehicle({ chargerId: 'CA-315', maxChargeKw: undefined, acLimit: ac })]))).toMatchObject({ ok: true });
  });
});

describe('each network fault is reported at its JSON Pointer', () => {
  const cases: { name: string; input: Problem; path: string; message: RegExp }[] = [
    {
      name: 'an unknown charger in a breaker',
      input: withNetwork({ ...network, breakers: [{ id: 'pod', maxCurrentA: 80, chargerIds: ['cp-ab1', 'cp-zz9'] }] }),
      path: '/network/breakers/0/chargerIds/1',
      message: /unknown charger "cp-zz9": it is in no group/,
    },
    {
      name: "a vehicle's charger in no group",
      input: withNetwork(network, [aVehicle({ chargerId: 'cp-elsewhere' })]),
      path: '/vehicles/0/chargerId',
      message: /charger "cp-elsewhere" is in no group of the network/,
    },
    {
      name: 'an angle outside the line pairs (150 degrees on AB is CA)',
      input: withNetwork({ ...network, groups: [{ ...network.groups[0]!, angleDeg: 150 }, network.groups[1]!, network.groups[2]!] }),
      path: '/network/groups/0/angleDeg',
      message: /150 degrees is not on line pair AB: its current lies within 30 degrees of 30 \(0\.\.60\); nominal angles: AB 30, BC -90, CA 150/,
    },
    {
      name: 'an angle outside the phases of a line-to-neutral group',
      input: withNetwork({ groups: [{ id: 'L1', connection: 'AN', angleDeg: -120, voltageV: 230, chargerIds: ['cp-1'] }] }, [aVehicle()]),
      path: '/network/groups/0/angleDeg',
      message: /-120 degrees is not on phase AN.*AN 0, BN -120, CN 120/,
    },
    {
      name: "a group's limit below one charger's minimum (6 A)",
      input: withNetwork({ ...network, groups: [{ ...network.groups[0]!, maxCurrentA: 5 }, network.groups[1]!, network.groups[2]!] }),
      path: '/network/groups/0/maxCurrentA',
      message: /5 A \(group AB\) is below the 6 A that charger "cp-ab1" alone draws at its minimum power 1\.248 kW .*could never charge/,
    },
    {
      name: "a breaker's limit below one charger's minimum",
      input: withNetwork({ ...network, breakers: [{ id: 'pod', maxCurrentA: 4, chargerIds: ['cp-ab1'] }] }),
      path: '/network/breakers/0/maxCurrentA',
      message: /4 A \(breaker pod line a\) is below the 6 A/,
    },
    {
      name: "the transformer's secondary limit below one charger's minimum",
      input: withNetwork({ ...network, transformer: { secondaryMaxCurrentA: 3 } }),
      path: '/network/transformer/secondaryMaxCurrentA',
      message: /3 A \(transformer secondary line a\) is below the 6 A/,
    },
    {
      name: "the primary's limit below what one charger's minimum puts on it (6 A / 4 on a delta primary line)",
      input: withNetwork({ ...network, transformer: { secondaryMaxCurrentA: 400, primary: { winding: 'delta', turnsRatio: 4, maxCurrentA: 1 } } }),
      path: '/network/transformer/primary/maxCurrentA',
      message: /1 A \(transformer primary line a\) is below the 1\.5 A/,
    },
    {
      name: 'a charger in two groups',
      input: withNetwork({ ...network, groups: [network.groups[0]!, { ...network.groups[1]!, chargerIds: ['cp-bc1', 'cp-ab2'] }, network.groups[2]!] }),
      path: '/network/groups/1/chargerIds/1',
      message: /charger "cp-ab2" is already in group "AB" \(\/groups\/0\)/,
    },
    {
      name: 'a group and a breaker with one id',
      input: withNetwork({ ...network, breakers: [{ id: 'AB', maxCurrentA: 80, chargerIds: ['cp-ab1'] }] }),
      path: '/network/breakers/0/id',
      message: /duplicate id "AB" \(also \/groups\/0\)/,
    },
    {
      name: "a vehicle's AC limit at another voltage than its group",
      input: withNetwork(network, [aVehicle({ chargerId: 'cp-ab1', acLimit: { maxCurrentA: 16, phases: 1, voltageV: 230 } })]),
      path: '/vehicles/0/acLimit',
      message: /230 V x 1 phase\(s\) does not match group "AB": 208 V x 1 phase\(s\) on AB/,
    },
    {
      name: 'a three-phase AC limit on a line pair',
      input: withNetwork(network, [aVehicle({ chargerId: 'cp-ab1', acLimit: { maxCurrentA: 16, phases: 3, voltageV: 208 } })]),
      path: '/vehicles/0/acLimit',
      message: /does not match group "AB"/,
    },
  ];

  it.each(cases)('$name', ({ input, path, message }) => {
    const issues = issuesOf(input);
    const issue = issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue!.message).toMatch(message);
  });

  it('schema faults are named too: an unknown connection, a negative limit, an unknown field', () => {
    const bad = { ...network, groups: [{ ...network.groups[0]!, connection: 'AC' }], transformer: { secondaryMaxCurrentA: -1 }, feeder: 1 };
    const paths = issuesOf(aProblem({ network: bad as unknown as Network })).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/network/groups/0/connection', '/network/transformer/secondaryMaxCurrentA', '/network/feeder']));
  });

  it('a problem with several network faults lists each', () => {
    const bad: Network = {
      ...network,
      groups: [{ ...network.groups[0]!, angleDeg: 100, maxCurrentA: 2 }, network.groups[1]!, network.groups[2]!],
      breakers: [{ id: 'pod', maxCurrentA: 80, chargerIds: ['nope'] }],
    };
    const paths = issuesOf(withNetwork(bad)).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['/network/groups/0/angleDeg', '/network/groups/0/maxCurrentA', '/network/breakers/0/chargerIds/0']));
  });

  // A frozen network's own checks are worked out once (network-validation.ts): the issues must be those of an
  // unfrozen copy, every time, whatever the vehicles.
  it.each(cases)('$name: the same issues with the network frozen (checked twice, and with other vehicles between)', ({ input }) => {
    const fresh = validateProblem(structuredClone(input));
    const frozen = { ...input, network: Object.freeze(structuredClone(input.network!)) };
    expect(validateProblem(frozen)).toEqual(fresh);
    expect(validateProblem(withNetwork(frozen.network, [aVehicle({ chargerId: 'cp-elsewhere' })]))).toEqual(validateProblem(withNetwork(structuredClone(input.network!), [aVehicle({ chargerId: 'cp-elsewhere' })])));
    expect(validateProblem(frozen)).toEqual(fresh);
  });
});
