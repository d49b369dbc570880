/** The embedded charger status board (charger-status.ts): this process's memory, deep-frozen records. */
import type { ChargerLinkRecord, ChargerStatusBoard, ChargerStatusRecord, EvseDeliveryRecord } from './charger-status.ts';
import { deepFreeze } from './deep-freeze.ts';

interface Entry {
  link?: ChargerLinkRecord;
  evses: Map<number, EvseDeliveryRecord>;
}

export class MemoryChargerStatusBoard implements ChargerStatusBoard {
  private readonly entries = new Map<string, Entry>();
  private readonly beats = new Map<string, number>();

  async putGatewayBeat(gateway: string, atUtcMs: number): Promise<void> {
    if ((this.beats.get(gateway) ?? -Infinity) <= atUtcMs) this.beats.set(gateway, atUtcMs);
  }

  async getGatewayBeats(gateways: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const out = new Map<string, number>();
    for (const g of gateways) {
      const at = this.beats.get(g);
      if (at !== undefined) out.set(g, at);
    }
    return out;
  }

  async putLink(chargePointId: string, link: ChargerLinkRecord): Promise<void> {
    const entry = this.entry(chargePointId);
    if (entry.link && entry.link.sinceUtcMs > link.sinceUtcMs) return;
    entry.link = deepFreeze({ ...link });
  }

  async putDelivery(chargePointId: string, delivery: EvseDeliveryRecord): Promise<void> {
    const entry = this.entry(chargePointId);
    const current = entry.evses.get(delivery.evseId);
    if (current && current.atUtcMs > delivery.atUtcMs) return;
    entry.evses.set(delivery.evseId, deepFreeze({ ...delivery }));
  }

  async get(chargePointId: string): Promise<ChargerStatusRecord | undefined> {
    const entry = this.entries.get(chargePointId);
    if (!entry) return undefined;
    const evses = [...entry.evses.values()].sort((a, b) => a.evseId - b.evseId);
    return deepFreeze({ chargePointId, ...(entry.link ? { link: entry.link } : {}), evses });
  }

  async getMany(chargePointIds: readonly string[]): Promise<ChargerStatusRecord[]> {
    const out: ChargerStatusRecord[] = [];
    for (const id of chargePointIds) {
      const record = await this.get(id);
      if (record) out.push(record);
    }
    return out;
  }

  async delete(chargePointId: string): Promise<boolean> {
    return this.entries.delete(chargePointId);
  }

  private entry(chargePointId: string): Entry {
    let entry = this.entries.get(chargePointId);
    if (!entry) {
      entry = { evses: new Map() };
      this.entries.set(chargePointId, entry);
    }
    return entry;
  }
}
