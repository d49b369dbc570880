/**
 * `offsetMs` keeps its last answer (a replay's controllers ask about each decision's instant twice): whatever
 * the order of the questions - the same instant again, another zone at the same instant, instants around a DST
 * change - every answer is luxon's for that zone and instant.
 */
import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { offsetMs } from '../../grid/zone.ts';

const zones = ['America/Los_Angeles', 'Europe/Brussels', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC'];
// 2019-03-10T10:00Z: Los Angeles changes to daylight time; questions cluster around it.
const around = 1_552_212_000_000;

describe('offsetMs', () => {
  it("answers luxon's offset for any sequence of zones and instants, repeated or not", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...zones), fc.integer({ min: -3, max: 3 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
        (questions) => {
          let last = around;
          for (const [zone, hours, repeat] of questions) {
            const at = repeat ? last : around + hours * 1_800_000 + (hours % 2) * 1;
            last = at;
            expect(offsetMs(at, zone)).toBe(IANAZone.create(zone).offset(at) * 60_000);
          }
        },
      ),
      { seed: 1641, numRuns: 200 },
    );
  });

  it('gives the offsets on either side of a change, asked in turn', () => {
    const before = around - 1;
    expect(offsetMs(before, 'America/Los_Angeles')).toBe(-8 * 3_600_000);
    expect(offsetMs(around, 'America/Los_Angeles')).toBe(-7 * 3_600_000);
    expect(offsetMs(around, 'America/Los_Angeles')).toBe(-7 * 3_600_000);
    expect(offsetMs(around, 'Europe/Brussels')).toBe(3_600_000);
    expect(offsetMs(before, 'America/Los_Angeles')).toBe(-8 * 3_600_000);
  });
});
