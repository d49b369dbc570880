/**
 * A site's three-phase network as a site description gives it (scenario files, the service's site model):
 * the optimizer's groups and breakers as they are, and the transformer by its nameplate (kVA and
 * line-to-neutral voltages) rather than by amps. `problemNetwork` turns it into the optimizer's `network`
 * (optimizer/network/network-schema.ts); `siteNetworkIssues` checks it against the site's chargers.
 *
 * Line current limits from the nameplate: a transformer of S kVA carries S x 1000 / 3 / V amps per line at
 * line-to-neutral voltage V, on each side (secondary: 150 kVA at 120 V = 416.7 A; primary at 277 V = 180.5 A).
 */
import { Type, type Static } from 'typebox';
import {
  MaxMagnitudeLossPctSchema,
  NetworkBreakerSchema,
  NetworkGroupSchema,
  maxNetworkCurrentA,
  type Network,
} from '../optimizer/network/network-schema.ts';
import { networkRuleIssues, type ChargerFacts } from '../optimizer/network/network-validation.ts';
import type { GridIssue } from './errors.ts';

const volts = (description: string) => Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, description });

/** The transformer feeding the groups, by its nameplate. */
export const SiteTransformerSchema = Type.Object(
  {
    ratingKva: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, description: 'rating (kVA): each side carries ratingKva x 1000 / 3 / line-to-neutral voltage amps per line' }),
    secondaryVoltageV: volts('line-to-neutral voltage of the secondary (V), e.g. 120 for a 208Y/120 V secondary'),
    primary: Type.Optional(
      Type.Object(
        {
          winding: Type.Union([Type.Literal('delta'), Type.Literal('wye')], {
            description: 'delta: I_pa = (I_a - I_c) / turnsRatio (and cyclically); wye: I_px = I_x / turnsRatio',
          }),
          turnsRatio: Type.Number({ exclusiveMinimum: 0, maximum: 100_000, description: 'primary turns per secondary turn (4 for a 480 V delta over a 120 V wye)' }),
          voltageV: volts('line-to-neutral voltage of the primary (V), e.g. 277 for 480 V'),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SiteTransformer = Static<typeof SiteTransformerSchema>;

/** Groups of chargers on line pairs with their angles, breakers (pods), the transformer. */
export const SiteNetworkSchema = Type.Object(
  {
    groups: Type.Array(NetworkGroupSchema, { minItems: 1, description: 'every charger of the site in exactly one group' }),
    breakers: Type.Optional(Type.Array(NetworkBreakerSchema)),
    transformer: Type.Optional(SiteTransformerSchema),
    maxMagnitudeLossPct: Type.Optional(MaxMagnitudeLossPctSchema),
  },
  { additionalProperties: false, description: 'three-phase network: shared limits on the chargers\' currents (optimizer/network/README.md)' },
);
export type SiteNetwork = Static<typeof SiteNetworkSchema>;

/** Line current limit of one side of a transformer (A). */
export function transformerLineCurrentA(ratingKva: number, lineToNeutralV: number): number {
  return Math.min(maxNetworkCurrentA, (ratingKva * 1000) / 3 / lineToNeutralV);
}

const problemNetworks = new WeakMap<SiteNetwork, Network>();

/**
 * The optimizer's network of a site network (transformer limits in amps). One frozen object per site network
 * (memoised), so every problem assembled for a site - a replay's every decision - carries the same network, and
 * what depends on the network alone is worked out once (network-elements.ts, network-validation.ts).
 */
export function problemNetwork(site: SiteNetwork): Network {
  let network = problemNetworks.get(site);
  if (network === undefined) {
    network = buildProblemNetwork(site);
    // The objects made here are frozen; the groups and breakers are the site's own, which nothing changes.
    if (network.transformer?.primary) Object.freeze(network.transformer.primary);
    if (network.transformer) Object.freeze(network.transformer);
    Object.freeze(network);
    problemNetworks.set(site, network);
  }
  return network;
}

function buildProblemNetwork(site: SiteNetwork): Network {
  const t = site.transformer;
  return {
    groups: site.groups,
    ...(site.breakers !== undefined ? { breakers: site.breakers } : {}),
    ...(t !== undefined
      ? {
          transformer: {
            secondaryMaxCurrentA: transformerLineCurrentA(t.ratingKva, t.secondaryVoltageV),
            ...(t.primary !== undefined
              ? { primary: { winding: t.primary.winding, turnsRatio: t.primary.turnsRatio, maxCurrentA: transformerLineCurrentA(t.ratingKva, t.primary.voltageV) } }
              : {}),
          },
        }
      : {}),
    ...(site.maxMagnitudeLossPct !== undefined ? { maxMagnitudeLossPct: site.maxMagnitudeLossPct } : {}),
  };
}

/** A charger of the site as the network rules see it. */
export interface SiteChargerFacts {
  readonly id: string;
  /** Pointer of the field naming the charger, e.g. `/body/chargers/3/id`. */
  readonly idPath: string;
  /** AC limit (per-phase current, phases, voltage), if the charger states one. */
  readonly ac?: { readonly voltageV: number; readonly phases: number; readonly minCurrentA?: number };
  /** Pointer of its AC limit, e.g. `/body/chargers/3/ac`. */
  readonly acPath: string;
}

/**
 * Every problem of a (schema-valid) site network with the site's chargers, the network's fields located
 * under `networkPath` (e.g. `/body/network`) and the chargers' by their own pointers: a group naming a charger the site does not have, a charger of the site in
 * no group or in two, a breaker naming a charger in no group, duplicate ids, an angle outside its
 * connection, a charger's AC voltage or phases unlike its group's, a limit below what one charger alone
 * draws at its minimum current (the transformer's limits are named by `/transformer/ratingKva`).
 */
export function siteNetworkIssues(network: SiteNetwork, chargers: readonly SiteChargerFacts[], networkPath: string): GridIssue[] {
  const known = new Set(chargers.map((c) => c.id));
  const issues: GridIssue[] = [];
  network.groups.forEach((g, i) => {
    g.chargerIds.forEach((id, k) => {
      if (!known.has(id)) issues.push({ path: `${networkPath}/groups/${i}/chargerIds/${k}`, message: `unknown charger "${id}": the site has no such charger` });
    });
  });
  const facts: ChargerFacts[] = chargers.map((c) => ({
    chargerId: c.id,
    idPath: c.idPath,
    acPath: c.acPath,
    minPowerKw: c.ac?.minCurrentA !== undefined ? (c.ac.minCurrentA * c.ac.voltageV * c.ac.phases) / 1000 : 0,
    ...(c.ac ? { ac: { voltageV: c.ac.voltageV, phases: c.ac.phases } } : {}),
  }));
  const rules = networkRuleIssues(problemNetwork(network), facts, networkPath, () => '/transformer/ratingKva');
  return [...issues, ...rules.map((i) => ({ path: i.path, message: i.message }))];
}

/**
 * The capacity a site's peak is measured against (kW, for the utilisation KPI): its network transformer's
 * rating (kVA, at unity power factor), else the tightest of the connection import limit and the
 * transformer rating.
 */
export function siteCapacityKw(site: { readonly connectionImportKw: number; readonly transformerRatingKw?: number; readonly network?: SiteNetwork }): number {
  const rating = site.network?.transformer?.ratingKva;
  if (rating !== undefined) return rating;
  return Math.min(site.connectionImportKw, site.transformerRatingKw ?? Infinity);
}
