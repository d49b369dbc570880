import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant } from '../../../grid/instant.ts';
import { readInstant, wireInstant } from '../../../adapters/http/wire-time.ts';
import type { FieldIssue } from '../../../adapters/errors.ts';

const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/Santiago', 'Europe/London', 'UTC', 'Pacific/Chatham', 'Asia/Kathmandu'];

describe('wire instants', () => {
  it('wireInstant writes exactly what grid formatInstant writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1990-01-01'), max: Date.parse('2060-01-01') }), fc.constantFrom(...zones), fc.boolean(), (ms, zone, whole) => {
        const utcMs = whole ? ms - (ms % 1000) : ms;
        expect(wireInstant(utcMs, zone)).toBe(formatInstant(utcMs, zone));
      }),
      { numRuns: 3000 },
    );
    expect(wireInstant(Date.parse('2025-10-26T01:30:00Z'), 'Europe/Berlin')).toBe('2025-10-26T02:30:00+01:00');
  });

  it('readInstant maps RFC 3339 and names the field otherwise', () => {
    const issues: FieldIssue[] = [];
    expect(readInstant('2025-10-26T02:30:00+01:00', '/body/x', issues)).toBe(Date.parse('2025-10-26T01:30:00Z'));
    expect(readInstant('2025-10-26T02:30:00', '/body/y', issues)).toBeNaN();
    expect(issues).toEqual([{ pointer: '/body/y', detail: expect.stringMatching(/no UTC offset/) }]);
  });
});
