/**
 * The meter log (meter-log.ts) on Redis: a sorted set per site, `<p>:site:<site>:meter`, scored by
 * reading time; each member is `<seq>:<JSON>` (a store-wide counter makes a repeated reading a member of
 * its own, so M&V still sees and names the repeat). Trimmed to the newest `maxSamplesPerSite` by score.
 */
import type { Redis } from 'ioredis';
import type { MeterRegisterSample } from '../../grid/delivery/meter-samples.ts';
import { guarded } from './redis-errors.ts';
import { RedisKeys } from './redis-keys.ts';
import { maxSamplesPerSite, type MeterLog } from './meter-log.ts';

export class RedisMeterLog implements MeterLog {
  private readonly keys: RedisKeys;

  constructor(
    private readonly client: Redis,
    prefix?: string,
    private readonly limit = maxSamplesPerSite,
  ) {
    this.keys = new RedisKeys(prefix);
  }

  append(siteId: string, samples: readonly MeterRegisterSample[]) {
    return guarded('appendMeterSamples', async () => {
      if (samples.length === 0) return;
      const key = this.keys.meterLog(siteId);
      const last = await this.client.incrby(this.keys.seq, samples.length);
      const args = samples.flatMap((s, i) => [s.atUtcMs, `${last - samples.length + i + 1}:${JSON.stringify(s)}`]);
      await this.client.multi().zadd(key, ...args).zremrangebyrank(key, 0, -this.limit - 1).exec();
    });
  }

  list(siteId: string, fromUtcMs: number, toUtcMs: number) {
    return guarded('listMeterSamples', async () => {
      const members = await this.client.zrangebyscore(this.keys.meterLog(siteId), fromUtcMs, `(${toUtcMs}`);
      return members.map((m) => JSON.parse(m.slice(m.indexOf(':') + 1)) as MeterRegisterSample);
    });
  }
}
