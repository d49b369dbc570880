/**
 * The charger status board on Redis (charger-status.ts), shared by the OCPP gateways (writers) and the
 * API processes (readers). One hash per charge point (redis-keys.ts `chargerStatus`): field `link` and
 * one field `evse:<n>` per EVSE, each `<atUtcMs>:<JSON>`. A put is one script that keeps the newer of
 * the stored and the given entry, so concurrent or delayed writers never roll a charger's status back.
 */
import type { Redis } from 'ioredis';
import type { ChargerLinkRecord, ChargerStatusBoard, ChargerStatusRecord, EvseDeliveryRecord } from './charger-status.ts';
import { deepFreeze } from './deep-freeze.ts';
import { guarded } from './redis-errors.ts';
import { decodeRecord, encodeRecord } from './redis-json.ts';
import { RedisKeys } from './redis-keys.ts';
import { LuaScript } from './redis-lua.ts';

/**
 * Sets a field unless the stored one is newer.
 *   KEYS[1] status hash   ARGV[1] field   ARGV[2] atUtcMs   ARGV[3] JSON
 * Returns 1 when written, 0 when the stored entry is newer.
 */
const putNewerScript = new LuaScript(
  'putNewerStatus',
  `
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if cur then
  local at = tonumber(string.match(cur, '^(%d+):'))
  if at and at > tonumber(ARGV[2]) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. ':' .. ARGV[3])
return 1
`,
);

function payload<T>(text: string): T {
  return decodeRecord<T>(text.slice(text.indexOf(':') + 1));
}

export interface RedisChargerStatusOptions {
  /** A `producer` client (fail fast); owned by the caller. */
  readonly client: Redis;
  readonly prefix?: string;
}

export class RedisChargerStatusBoard implements ChargerStatusBoard {
  private readonly client: Redis;
  private readonly keys: RedisKeys;

  constructor(options: RedisChargerStatusOptions) {
    this.client = options.client;
    this.keys = new RedisKeys(options.prefix);
  }

  putLink(chargePointId: string, link: ChargerLinkRecord) {
    return guarded('putChargerLink', async () => {
      await putNewerScript.run(this.client, [this.keys.chargerStatus(chargePointId)], ['link', Math.max(0, Math.floor(link.sinceUtcMs)), encodeRecord(link)]);
    });
  }

  putDelivery(chargePointId: string, delivery: EvseDeliveryRecord) {
    return guarded('putChargerDelivery', async () => {
      const field = `evse:${delivery.evseId}`;
      await putNewerScript.run(this.client, [this.keys.chargerStatus(chargePointId)], [field, Math.max(0, Math.floor(delivery.atUtcMs)), encodeRecord(delivery)]);
    });
  }

  get(chargePointId: string) {
    return guarded('getChargerStatus', async () => this.decode(chargePointId, await this.client.hgetall(this.keys.chargerStatus(chargePointId))));
  }

  getMany(chargePointIds: readonly string[]) {
    return guarded('getChargerStatuses', async () => {
      if (chargePointIds.length === 0) return [];
      const pipeline = this.client.pipeline();
      for (const id of chargePointIds) pipeline.hgetall(this.keys.chargerStatus(id));
      const replies = (await pipeline.exec()) ?? [];
      const out: ChargerStatusRecord[] = [];
      replies.forEach(([error, fields], i) => {
        if (error) throw error;
        const record = this.decode(chargePointIds[i]!, fields as Record<string, string>);
        if (record) out.push(record);
      });
      return out;
    });
  }

  putGatewayBeat(gateway: string, atUtcMs: number) {
    return guarded('putGatewayBeat', async () => {
      await putNewerScript.run(this.client, [this.keys.gatewayBeats], [gateway, Math.max(0, Math.floor(atUtcMs)), '1']);
    });
  }

  getGatewayBeats(gateways: readonly string[]) {
    return guarded('getGatewayBeats', async () => {
      const out = new Map<string, number>();
      if (gateways.length === 0) return out;
      const values = await this.client.hmget(this.keys.gatewayBeats, ...gateways);
      values.forEach((v, i) => {
        const at = v === null ? undefined : Number(v.slice(0, v.indexOf(':')));
        if (at !== undefined && Number.isFinite(at)) out.set(gateways[i]!, at);
      });
      return out as ReadonlyMap<string, number>;
    });
  }

  delete(chargePointId: string) {
    return guarded('deleteChargerStatus', async () => (await this.client.del(this.keys.chargerStatus(chargePointId))) === 1);
  }

  private decode(chargePointId: string, fields: Record<string, string>): ChargerStatusRecord | undefined {
    const names = Object.keys(fields);
    if (names.length === 0) return undefined;
    const evses = names
      .filter((n) => n.startsWith('evse:'))
      .map((n) => payload<EvseDeliveryRecord>(fields[n]!))
      .sort((a, b) => a.evseId - b.evseId);
    const link = fields.link !== undefined ? payload<ChargerLinkRecord>(fields.link) : undefined;
    return deepFreeze({ chargePointId, ...(link ? { link } : {}), evses });
  }
}
