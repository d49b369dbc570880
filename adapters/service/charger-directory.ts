/**
 * Which site a charge point belongs to: an index from OCPP charge point identity to site id, built from
 * the sites' charger lists (ocpp-charger-ids.ts) and cached, because the OCPP gateway asks on every
 * handshake and every message while sites change rarely.
 *
 * Invariants: the index is rebuilt when older than `ttlMs`; a miss rebuilds it at once, but at most once
 * per `missRefreshMs` (so unknown chargers knocking cannot make every handshake list all sites); a charge
 * point named by two sites goes to the first site listed, and the conflict is reported once per rebuild.
 * The site record itself is always read fresh from the store.
 */
import type { Clock } from '../clock.ts';
import type { SiteRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { ocppAddressOf } from './ocpp-charger-ids.ts';

export interface ChargerDirectoryOptions {
  readonly store: Store;
  readonly clock: Clock;
  /** Index age after which it is rebuilt (ms); default 5000. */
  readonly ttlMs?: number;
  /** Least time between rebuilds caused by misses (ms); default 1000. */
  readonly missRefreshMs?: number;
  /** A charge point appears on two sites. */
  readonly onConflict?: (chargePointId: string, siteIds: readonly string[]) => void;
}

export class ChargerDirectory {
  private index = new Map<string, string>();
  private builtAtUtcMs = -Infinity;
  private building: Promise<void> | undefined;

  constructor(private readonly options: ChargerDirectoryOptions) {}

  /** The site holding charge point `chargePointId`, or undefined. */
  async siteOf(chargePointId: string): Promise<SiteRecord | undefined> {
    const now = this.options.clock.nowUtcMs();
    if (now - this.builtAtUtcMs > (this.options.ttlMs ?? 5000)) await this.rebuild();
    let siteId = this.index.get(chargePointId);
    if (siteId === undefined && now - this.builtAtUtcMs > (this.options.missRefreshMs ?? 1000)) {
      await this.rebuild();
      siteId = this.index.get(chargePointId);
    }
    if (siteId === undefined) return undefined;
    const site = await this.options.store.getSite(siteId);
    if (site && site.chargers.some((c) => ocppAddressOf(c.id).chargerId === chargePointId)) return site;
    // The site changed since the index was built: look again.
    await this.rebuild();
    const again = this.index.get(chargePointId);
    return again !== undefined ? this.options.store.getSite(again) : undefined;
  }

  /** The charge points the index puts on site `siteId` (rebuilt when older than `ttlMs`). */
  async chargePointsOf(siteId: string): Promise<string[]> {
    if (this.options.clock.nowUtcMs() - this.builtAtUtcMs > (this.options.ttlMs ?? 5000)) await this.rebuild();
    return [...this.index].filter(([, s]) => s === siteId).map(([cp]) => cp);
  }

  /** Forgets the index: a site changed (the gateway calls it on every `site` or `resync` change of the change feed). */
  invalidate(): void {
    this.builtAtUtcMs = -Infinity;
  }

  private rebuild(): Promise<void> {
    this.building ??= (async () => {
      try {
        const sites = await this.options.store.listSites();
        const index = new Map<string, string>();
        const conflicts = new Map<string, Set<string>>();
        for (const site of sites) {
          for (const c of site.chargers) {
            const cp = ocppAddressOf(c.id).chargerId;
            const owner = index.get(cp);
            if (owner === undefined) index.set(cp, site.id);
            else if (owner !== site.id) conflicts.set(cp, (conflicts.get(cp) ?? new Set([owner])).add(site.id));
          }
        }
        for (const [cp, ids] of conflicts) this.options.onConflict?.(cp, [...ids]);
        this.index = index;
        this.builtAtUtcMs = this.options.clock.nowUtcMs();
      } finally {
        this.building = undefined;
      }
    })();
    return this.building;
  }
}
