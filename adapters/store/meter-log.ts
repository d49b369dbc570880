/**
 * Charger meter readings kept for measurement and verification (grid/delivery/): each OCPP MeterValues
 * energy register reading of a site's charger, as `MeterRegisterSample` with the site's charger id.
 *
 * Contract: `append` keeps samples as given (out of order, repeated: M&V sorts and names them, so the log
 * does not hide them), at most `maxSamplesPerSite` per site (the oldest by reading time go first);
 * `list` answers a site's samples read in [fromUtcMs, toUtcMs), sorted by reading time.
 * MemoryMeterLog and RedisMeterLog (a sorted set per site scored by reading time).
 */
import type { MeterRegisterSample } from '../../grid/delivery/meter-samples.ts';

export interface MeterLog {
  append(siteId: string, samples: readonly MeterRegisterSample[]): Promise<void>;
  list(siteId: string, fromUtcMs: number, toUtcMs: number): Promise<MeterRegisterSample[]>;
}

/** Samples kept per site (about 3.5 days of 1-minute readings from 100 chargers). */
export const maxSamplesPerSite = 500_000;

export class MemoryMeterLog implements MeterLog {
  private readonly samples = new Map<string, MeterRegisterSample[]>();

  constructor(private readonly limit = maxSamplesPerSite) {}

  async append(siteId: string, samples: readonly MeterRegisterSample[]) {
    const list = this.samples.get(siteId) ?? [];
    list.push(...samples.map((s) => Object.freeze({ ...s })));
    if (list.length > this.limit) {
      list.sort((a, b) => a.atUtcMs - b.atUtcMs);
      list.splice(0, list.length - this.limit);
    }
    this.samples.set(siteId, list);
  }

  async list(siteId: string, fromUtcMs: number, toUtcMs: number) {
    return (this.samples.get(siteId) ?? []).filter((s) => s.atUtcMs >= fromUtcMs && s.atUtcMs < toUtcMs).sort((a, b) => a.atUtcMs - b.atUtcMs);
  }
}
