import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultPropertySeed, propertySeed } from './fast-check-seed.ts';

describe('property tests run from a fixed seed', () => {
  it('the setup file is loaded: fast-check has this run\'s seed', () => {
    expect(fc.readConfigureGlobal().seed).toBe(propertySeed());
  });

  it('FC_SEED picks the seed, "random" leaves it to fast-check, anything else is refused by name', () => {
    expect(propertySeed({})).toBe(defaultPropertySeed);
    expect(propertySeed({ FC_SEED: ' 42 ' })).toBe(42);
    expect(propertySeed({ FC_SEED: 'random' })).toBeUndefined();
    expect(() => propertySeed({ FC_SEED: '4.5' })).toThrow(/FC_SEED must be an integer/);
  });

  it('two runs of one property draw the same values', () => {
    const draw = () => fc.sample(fc.integer(), 5);
    expect(draw()).toEqual(draw());
  });
});
