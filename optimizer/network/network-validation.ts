/**
 * The rules of a `Problem`'s `network` a schema cannot say, each located by JSON Pointer: unique ids,
 * a charger in at most one group, no unknown charger (in a breaker, or a vehicle's), a current angle on its
 * connection, a vehicle's AC limit on its group's voltage, and no limit below what one charger alone draws
 * at its minimum power (it could never charge). Runs only on a network that passed the schema.
 */
import { Compile } from 'typebox/compile';
import type { InputIssue } from '../schema-issues.ts';
import { NetworkSchema, type Network } from './network-schema.ts';
import { chargerWiring, networkElements, type ChargerWiring, type NetworkElement } from './network-elements.ts';
import { abs, maxAngleOffsetDeg, nominalAngleDeg, wrapDeg } from './phasors.ts';

const compiledNetwork = Compile(NetworkSchema);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const fmt = (x: number) => String(Number(x.toPrecision(6)));

const connectionKind = (c: string) => (c.length === 2 && c.endsWith('N') ? 'phase' : c === 'ABC' ? 'three-phase connection' : 'line pair');

/** Where each connection's nominal angle is listed in a message: the line pairs, or the phases. */
function nominalList(connection: string): string {
  const names = connection === 'AB' || connection === 'BC' || connection === 'CA' ? ['AB', 'BC', 'CA'] : connection === 'ABC' ? ['ABC'] : ['AN', 'BN', 'CN'];
  return names.map((n) => `${n} ${nominalAngleDeg[n as keyof typeof nominalAngleDeg]}`).join(', ');
}

/** What the rules need of a charger (or of a vehicle on it), and where it is described. */
export interface ChargerFacts {
  readonly chargerId: string;
  /** Pointer of the field naming the charger, e.g. `/vehicles/3/chargerId` or `/chargers/7/id`. */
  readonly idPath: string;
  /** Pointer of its AC limit, e.g. `/vehicles/3/acLimit`. */
  readonly acPath: string;
  /** The lowest power at which it charges or discharges at all (kW; 0 = none). */
  readonly minPowerKw: number;
  readonly ac?: { readonly voltageV: number; readonly phases: number };
}

function idIssues(network: Network): InputIssue[] {
  const issues: InputIssue[] = [];
  const seen = new Map<string, string>();
  const check = (id: string, at: string) => {
    const prev = seen.get(id);
    if (prev !== undefined) issues.push({ path: `${at}/id`, message: `duplicate id "${id}" (also ${prev})` });
    else seen.set(id, at);
  };
  network.groups.forEach((g, i) => check(g.id, `/groups/${i}`));
  (network.breakers ?? []).forEach((b, i) => check(b.id, `/breakers/${i}`));
  return issues;
}

function groupIssues(network: Network): InputIssue[] {
  const issues: InputIssue[] = [];
  const owner = new Map<string, string>();
  network.groups.forEach((g, i) => {
    const at = `/groups/${i}`;
    g.chargerIds.forEach((id, k) => {
      const prev = owner.get(id);
      if (prev !== undefined) issues.push({ path: `${at}/chargerIds/${k}`, message: `charger "${id}" is already in ${prev}: a charger belongs to one group` });
      else owner.set(id, `group "${g.id}" (${at})`);
    });
    if (g.angleDeg !== undefined) {
      const nominal = nominalAngleDeg[g.connection];
      if (Math.abs(wrapDeg(g.angleDeg - nominal)) > maxAngleOffsetDeg + 1e-9) {
        issues.push({
          path: `${at}/angleDeg`,
          message: `${fmt(g.angleDeg)} degrees is not on ${connectionKind(g.connection)} ${g.connection}: its current lies within ${maxAngleOffsetDeg} degrees of ${nominal} (${nominal - maxAngleOffsetDeg}..${nominal + maxAngleOffsetDeg}); nominal angles: ${nominalList(g.connection)}`,
        });
      }
    }
  });
  (network.breakers ?? []).forEach((b, i) => {
    b.chargerIds.forEach((id, k) => {
      if (!owner.has(id)) issues.push({ path: `/breakers/${i}/chargerIds/${k}`, message: `unknown charger "${id}": it is in no group of the network` });
    });
  });
  return issues;
}

/** Pointer of an element's limit field (relative to the network). */
function limitPath(network: Network, e: NetworkElement, transformerField: (kind: 'secondary' | 'primary') => string): string {
  if (e.kind === 'group') return `/groups/${network.groups.findIndex((g) => g.id === e.elementId)}/maxCurrentA`;
  if (e.kind === 'breaker') return `/breakers/${(network.breakers ?? []).findIndex((b) => b.id === e.elementId)}/maxCurrentA`;
  return transformerField(e.kind);
}

const problemTransformerField = (kind: 'secondary' | 'primary') => (kind === 'secondary' ? '/transformer/secondaryMaxCurrentA' : '/transformer/primary/maxCurrentA');

/** What the charger rules read of a network: its wiring and its limited elements. */
interface NetworkFacts {
  readonly wiring: ReadonlyMap<string, ChargerWiring>;
  readonly limited: readonly NetworkElement[];
}

function networkFacts(network: Network): NetworkFacts {
  return { wiring: chargerWiring(network), limited: networkElements(network).filter((e) => e.limitA !== undefined) };
}

function chargerIssues(
  network: Network,
  chargers: readonly ChargerFacts[],
  networkPrefix: string,
  transformerField: (kind: 'secondary' | 'primary') => string,
  facts: NetworkFacts = networkFacts(network),
): InputIssue[] {
  const issues: InputIssue[] = [];
  const { wiring, limited: elements } = facts;
  const reported = new Set<string>();
  for (const f of chargers) {
    const w = wiring.get(f.chargerId);
    if (w === undefined) {
      issues.push({ path: f.idPath, message: `charger "${f.chargerId}" is in no group of the network: every charger of a site with a network belongs to one group` });
      continue;
    }
    const g = network.groups[w.groupIndex]!;
    if (f.ac) {
      const phases = g.connection === 'ABC' ? 3 : 1;
      if (f.ac.phases !== phases || Math.abs(f.ac.voltageV - g.voltageV) > 1e-9 * g.voltageV) {
        issues.push({
          path: f.acPath,
          message: `${fmt(f.ac.voltageV)} V x ${f.ac.phases} phase(s) does not match group "${g.id}": ${fmt(g.voltageV)} V x ${phases} phase(s) on ${g.connection}`,
        });
      }
    }
    if (f.minPowerKw <= 0) continue;
    for (const e of elements) {
      const c = e.coefficients.get(f.chargerId);
      if (c === undefined || reported.has(e.name)) continue;
      const drawA = abs(c) * f.minPowerKw;
      if (drawA > e.limitA! * (1 + 1e-9) + 1e-9) {
        reported.add(e.name);
        issues.push({
          path: `${networkPrefix}${limitPath(network, e, transformerField)}`,
          message: `${fmt(e.limitA!)} A (${e.name}) is below the ${fmt(drawA)} A that charger "${f.chargerId}" alone draws at its minimum power ${fmt(f.minPowerKw)} kW (${f.idPath}): it could never charge`,
        });
      }
    }
  }
  return issues;
}

/**
 * Every rule issue of a well-typed network whose chargers are described by `chargers`. Paths of the
 * network's own fields start with `networkPrefix` (e.g. `/network`); `transformerField` says where an
 * element's transformer limit is given (relative to the network).
 */
export function networkRuleIssues(
  network: Network,
  chargers: readonly ChargerFacts[],
  networkPrefix: string,
  transformerField: (kind: 'secondary' | 'primary') => string = problemTransformerField,
): InputIssue[] {
  const own = [...idIssues(network), ...groupIssues(network)].map((i) => ({ ...i, path: `${networkPrefix}${i.path}` }));
  return [...own, ...chargerIssues(network, chargers, networkPrefix, transformerField)];
}

/** A vehicle's minimum charge or discharge power (kW) as the problem states it (0 = none). */
function minimumPowerKw(v: Record<string, unknown>): number {
  const ac = isObject(v.acLimit) ? v.acLimit : undefined;
  const acMinKw = ac && isNumber(ac.minCurrentA) && isNumber(ac.voltageV) && isNumber(ac.phases) ? (ac.minCurrentA * ac.voltageV * ac.phases) / 1000 : 0;
  const charge = Math.max(isNumber(v.minChargeKw) ? v.minChargeKw : 0, acMinKw);
  const discharge = v.v2gAllowed === true && isNumber(v.minDischargeKw) ? v.minDischargeKw : 0;
  return Math.max(charge, discharge);
}

/** A frozen network's own checks (schema, ids, groups) and facts: the same for every problem that carries it. */
interface CheckedNetwork {
  readonly wellTyped: boolean;
  readonly own: readonly InputIssue[];
  readonly facts?: NetworkFacts;
}

const checkedNetworks = new WeakMap<object, CheckedNetwork>();

function checkNetwork(network: unknown): CheckedNetwork {
  if (!compiledNetwork.Check(network)) return { wellTyped: false, own: [] };
  const n = network as Network;
  const own = [...idIssues(n), ...groupIssues(n)].map((i) => Object.freeze({ ...i, path: `/network${i.path}` }));
  return { wellTyped: true, own, facts: networkFacts(n) };
}

/**
 * The network's own checks, worked out once per frozen network object (grid's `problemNetwork` gives one per
 * site, so a replay's decisions share it; a frozen object cannot change, and its groups and breakers are the
 * site's, which nothing changes either - networkElements relies on that too); any other network is checked anew.
 */
function checkedNetwork(network: unknown): CheckedNetwork {
  if (typeof network !== 'object' || network === null || !Object.isFrozen(network)) return checkNetwork(network);
  let checked = checkedNetworks.get(network);
  if (checked === undefined) {
    checked = checkNetwork(network);
    checkedNetworks.set(network, checked);
  }
  return checked;
}

/**
 * Whether `network` is a frozen network that passes `NetworkSchema` (worked out once per frozen object, as its
 * own checks are): a problem carrying it passes the problem schema exactly when it does without it.
 */
export function isFrozenWellTypedNetwork(network: unknown): boolean {
  return typeof network === 'object' && network !== null && Object.isFrozen(network) && checkedNetwork(network).wellTyped;
}

/** Every issue of `problem.network` beyond the schema (empty when absent or not yet well-typed). */
export function networkIssues(problem: Record<string, unknown>): InputIssue[] {
  const network = problem.network;
  if (network === undefined) return [];
  const checked = checkedNetwork(network);
  if (!checked.wellTyped) return [];
  const vehicles = Array.isArray(problem.vehicles) ? problem.vehicles : [];
  const facts: ChargerFacts[] = [];
  vehicles.forEach((v: unknown, i) => {
    if (!isObject(v) || typeof v.chargerId !== 'string') return;
    const ac = isObject(v.acLimit) && isNumber(v.acLimit.voltageV) && isNumber(v.acLimit.phases) ? { voltageV: v.acLimit.voltageV, phases: v.acLimit.phases } : undefined;
    facts.push({ chargerId: v.chargerId, idPath: `/vehicles/${i}/chargerId`, acPath: `/vehicles/${i}/acLimit`, minPowerKw: minimumPowerKw(v), ...(ac ? { ac } : {}) });
  });
  return [...checked.own, ...chargerIssues(network as Network, facts, '/network', problemTransformerField, checked.facts)];
}
