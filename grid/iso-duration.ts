/**
 * ISO 8601 durations of fixed length (`PT15M`, `PT1H`, `P1D`), as used by ENTSO-E resolutions and OpenADR 3
 * interval periods.
 *
 * Days and weeks count as 24 h and 7 x 24 h: every instant these formats carry is in UTC or a fixed offset,
 * where a day is always 24 h. Years and months have no fixed length and are rejected, as are negative
 * durations and durations beyond the range of dates.
 */
/** The span of JavaScript dates on each side of 1970 (100 000 000 days, in ms). */
const maxMs = 8.64e15;

const pattern = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds of a fixed-length duration, or a sentence saying why it is not one. */
export function parseDurationMs(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  if (typeof text !== 'string') return { ok: false, message: 'a duration must be a string such as PT15M' };
  const m = pattern.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) {
    if (/^-?P.*[YM].*$/.test(text) && !text.includes('T')) {
      return { ok: false, message: `"${text}" uses years or months, which have no fixed length` };
    }
    return { ok: false, message: `"${text}" is not an ISO 8601 duration of weeks, days, hours, minutes and seconds (e.g. PT15M)` };
  }
  const [, w, d, h, mi, s] = m;
  const ms =
    Number(w ?? 0) * 604_800_000 +
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(mi ?? 0) * 60_000 +
    Math.round(Number(s ?? 0) * 1000);
  if (!Number.isSafeInteger(ms) || ms > maxMs) {
    return { ok: false, message: `"${text}" is longer than the range of dates (at most 100 000 000 days)` };
  }
  return { ok: true, ms };
}
