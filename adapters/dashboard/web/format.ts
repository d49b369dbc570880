/** Numbers with their units and instants in the site's time zone, for people. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withDate}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      ...(withDate ? { weekday: 'short', day: '2-digit', month: 'short' } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/** `Sun 06 Dec, 14:30` in `zone`. */
export function dateTime(iso: string, zone: string): string {
  return formatter(zone, true).format(new Date(iso));
}

/** `14:30` in `zone`. */
export function time(iso: string, zone: string): string {
  return formatter(zone, false).format(new Date(iso));
}

export const kw = (x: number) => `${x.toLocaleString('en-GB', { maximumFractionDigits: 1 })} kW`;
export const kwh = (x: number) => `${x.toLocaleString('en-GB', { maximumFractionDigits: 1 })} kWh`;
export const pct = (x: number) => `${x.toLocaleString('en-GB', { maximumFractionDigits: 1 })} %`;
export const money = (x: number, currency: string) => x.toLocaleString('en-GB', { style: 'currency', currency, maximumFractionDigits: 2 });
export const pricePerKwh = (x: number, currency: string) => `${x.toLocaleString('en-GB', { maximumFractionDigits: 4 })} ${currency}/kWh`;
export const signed = (x: number, unit: string) => `${x > 0 ? '+' : ''}${x.toLocaleString('en-GB', { maximumFractionDigits: 2 })} ${unit}`;

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const quarterMs = 900_000;

/** The UTC offset (minutes) of `zone` at `utcMs`. Offsets change only on quarter-hours, so each quarter-hour is asked once. */
export function offsetMinutes(utcMs: number, zone: string): number {
  const quarter = Math.floor(utcMs / quarterMs);
  const key = `${zone}|${quarter}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  let f = offsetFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    offsetFormatters.set(zone, f);
  }
  const at = quarter * quarterMs;
  const parts = f.formatToParts(new Date(at));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const minutes = Math.round((asUtc - at) / 60_000);
  if (offsets.size > 10_000) offsets.clear();
  offsets.set(key, minutes);
  return minutes;
}

/**
 * A wall-clock time `YYYY-MM-DDTHH:mm` (a datetime-local input) in `zone` as RFC 3339 with the zone's offset
 * (the API wants an offset); undefined for an empty or malformed value. In a DST gap the later offset applies.
 */
export function zonedToIso(local: string, zone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return undefined;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  let offset = offsetMinutes(wall, zone);
  offset = offsetMinutes(wall - offset * 60_000, zone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${local}:00${sign}${two(Math.floor(abs / 60))}:${two(abs % 60)}`;
}

/** An instant as the `YYYY-MM-DDTHH:mm` wall-clock value of a datetime-local input in `zone`. */
export function isoToZonedLocal(iso: string, zone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
