import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../grid/iso-duration.ts';

describe('parseDurationMs: fixed-length ISO 8601 durations', () => {
  it.each([
    ['PT15M', 900_000],
    ['PT60M', 3_600_000],
    ['PT1H', 3_600_000],
    ['P1D', 86_400_000],
    ['P1W', 604_800_000],
    ['P1DT2H30M', 95_400_000],
    ['PT1.5S', 1500],
    ['PT0S', 0],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['years and months have no fixed length', 'P1M', /no fixed length/],
    ['the OpenADR "infinity" P9999Y is not a length (callers decide what it means)', 'P9999Y', /no fixed length/],
    ['negative', '-PT15M', /not an ISO 8601 duration/],
    ['fractional minutes', 'PT15.5M', /not an ISO 8601 duration/],
    ['a bare P', 'P', /not an ISO 8601 duration/],
    ['a T without a time', 'P1DT', /not an ISO 8601 duration/],
    ['plain words', '15 minutes', /not an ISO 8601 duration/],
    ['beyond the range of dates (would give an end instant past year 275 760)', 'P99999999999999D', /longer than the range of dates/],
  ])('rejects %s', (_name, text, message) => {
    const r = parseDurationMs(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });
});
