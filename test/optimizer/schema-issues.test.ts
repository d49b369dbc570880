/**
 * How a failed union (a power bound given as one number or one per slot, AC phases 1 | 2 | 3) is reported
 * (optimizer/schema-issues.ts): one issue at the union's path that says what is wrong - the range a number
 * broke, the allowed constants, or the allowed types - instead of one error per branch.
 */
import { describe, expect, it } from 'vitest';
import type { Vehicle } from '../../optimizer/problem.ts';
import { validateProblem, type InputIssue } from '../../optimizer/problem-validation.ts';
import { schemaIssues, type SchemaError } from '../../optimizer/schema-issues.ts';
import { aProblem, aVehicle } from './problem-builders.ts';

function issuesFor(vehicle: Record<string, unknown>): readonly InputIssue[] {
  const result = validateProblem(aProblem({ vehicles: [{ ...aVehicle(), ...vehicle } as unknown as Vehicle] }));
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.issues;
}

describe('a union that fails', () => {
  it('a scalar power above the maximum says the maximum', () => {
    expect(issuesFor({ maxChargeKw: 1e20 })).toEqual([{ path: '/vehicles/0/maxChargeKw', message: 'must be <= 1000000' }]);
  });

  it('a negative scalar power says the minimum', () => {
    expect(issuesFor({ maxDischargeKw: -3, v2gAllowed: true })).toEqual([{ path: '/vehicles/0/maxDischargeKw', message: 'must be >= 0' }]);
  });

  it('a value of neither type lists the allowed types', () => {
    expect(issuesFor({ maxChargeKw: 'x' })).toEqual([{ path: '/vehicles/0/maxChargeKw', message: 'must be number or array' }]);
  });

  it('a constant outside the allowed ones lists them', () => {
    expect(issuesFor({ acLimit: { maxCurrentA: 16, phases: 4, voltageV: 230 } })).toEqual([
      { path: '/vehicles/0/acLimit/phases', message: 'must be one of 1, 2, 3' },
    ]);
  });

  it('an array with a bad entry names the entry, and the union stays generic', () => {
    expect(issuesFor({ maxChargeKw: [1, -2, 3, 4] })).toEqual([
      { path: '/vehicles/0/maxChargeKw/1', message: 'must be >= 0' },
      { path: '/vehicles/0/maxChargeKw', message: 'does not match any allowed form' },
    ]);
  });
});

describe('a union whose branches allow several types', () => {
  it('lists each type once, also from a branch whose `type` is a list (never "string,null")', () => {
    const errors: SchemaError[] = [
      { keyword: 'type', instancePath: '/x', message: 'must be string,null', schemaPath: '#/properties/x/anyOf/0/type', params: { type: ['string', 'null'] } },
      { keyword: 'type', instancePath: '/x', message: 'must be number', schemaPath: '#/properties/x/anyOf/1/type', params: { type: 'number' } },
      { keyword: 'anyOf', instancePath: '/x', message: 'must match a schema in anyOf', schemaPath: '#/properties/x', params: {} },
    ];
    expect(schemaIssues({ Errors: () => errors }, { x: true })).toEqual([{ path: '/x', message: 'must be string or null or number' }]);
  });
});
