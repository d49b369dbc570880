/**
 * The charge points the service knows, for the API: those a site lists (by their OCPP identity,
 * ocpp-charger-ids.ts) merged with those in the charger credentials store (a password set by an admin, or
 * auto-registered), and whether they are connected, as the gateways report it on the charger status
 * board (adapters/store/charger-status.ts), whichever process holds the connection.
 *
 * Invariants: one entry per charge point identity, ordered by it; a charge point named by several sites
 * belongs to the first site listed (as in charger-directory.ts); no password hash is ever read here
 * (the credentials port returns summaries only).
 */
import type { ChargerCredentialSource, ChargerCredentialSummary } from '../store/charger-credentials.ts';
import type { ChargerLinkRecord } from '../store/charger-status.ts';
import type { SiteRecord } from '../store/records.ts';
import type { ServiceContext } from './context.ts';
import { ocppAddressOf } from './ocpp-charger-ids.ts';

/** One known charge point. */
export interface ChargePointEntry {
  readonly chargePointId: string;
  /** The site that lists it, and the site charger ids (EVSEs) it has there; undefined when no site lists it. */
  readonly siteId: string | undefined;
  readonly siteChargerIds: readonly string[];
  /** Its credentials record (without the hash), when it has one. */
  readonly credentials: ChargerCredentialSummary | undefined;
  /** Where the entry comes from: its credentials record's source, or `site` when only a site lists it. */
  readonly source: ChargerCredentialSource | 'site';
  /** As the last gateway that saw it reported; undefined when no gateway ever reported on it. */
  readonly connected: boolean | undefined;
  /** When it connected or disconnected (UTC epoch ms), when known. */
  readonly linkSinceUtcMs: number | undefined;
}

/** Charge point identity -> its site and site charger ids (first site wins). */
function sitesByChargePoint(sites: readonly SiteRecord[]): Map<string, { siteId: string; siteChargerIds: string[] }> {
  const out = new Map<string, { siteId: string; siteChargerIds: string[] }>();
  for (const site of sites) {
    for (const c of site.chargers) {
      const cp = ocppAddressOf(c.id).chargerId;
      const entry = out.get(cp);
      if (!entry) out.set(cp, { siteId: site.id, siteChargerIds: [c.id] });
      else if (entry.siteId === site.id) entry.siteChargerIds.push(c.id);
    }
  }
  return out;
}

function entryOf(
  links: ReadonlyMap<string, ChargerLinkRecord>,
  chargePointId: string,
  site: { siteId: string; siteChargerIds: string[] } | undefined,
  credentials: ChargerCredentialSummary | undefined,
): ChargePointEntry {
  return {
    chargePointId,
    siteId: site?.siteId,
    siteChargerIds: site?.siteChargerIds ?? [],
    credentials,
    source: credentials?.source ?? 'site',
    connected: links.get(chargePointId)?.connected,
    linkSinceUtcMs: links.get(chargePointId)?.sinceUtcMs,
  };
}

/** Every known charge point, ordered by identity. */
export async function listChargePoints(ctx: Pick<ServiceContext, 'store' | 'chargerCredentials' | 'chargerStatus'>): Promise<ChargePointEntry[]> {
  const bySite = sitesByChargePoint(await ctx.store.listSites());
  const byId = new Map((await ctx.chargerCredentials.list()).map((c) => [c.chargePointId, c]));
  const ids = [...new Set([...bySite.keys(), ...byId.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const links = await linksOf(ctx, ids);
  return ids.map((id) => entryOf(links, id, bySite.get(id), byId.get(id)));
}

async function linksOf(ctx: Pick<ServiceContext, 'chargerStatus'>, ids: readonly string[]): Promise<Map<string, ChargerLinkRecord>> {
  const out = new Map<string, ChargerLinkRecord>();
  for (const s of await ctx.chargerStatus.getMany(ids)) if (s.link) out.set(s.chargePointId, s.link);
  return out;
}

/** One charge point, or undefined when no site lists it and it has no credentials record. */
export async function getChargePoint(ctx: Pick<ServiceContext, 'store' | 'chargerCredentials' | 'chargerStatus'>, chargePointId: string): Promise<ChargePointEntry | undefined> {
  const site = sitesByChargePoint(await ctx.store.listSites()).get(chargePointId);
  const credentials = await ctx.chargerCredentials.get(chargePointId);
  if (!site && !credentials) return undefined;
  return entryOf(await linksOf(ctx, [chargePointId]), chargePointId, site, credentials);
}
