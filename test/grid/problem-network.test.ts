/**
 * grid's `problemNetwork` gives one frozen network per site network (so a replay's decisions share it and the
 * network's own checks run once: optimizer/network/network-validation.ts), and a new one for another site network.
 */
import { describe, expect, it } from 'vitest';
import { problemNetwork, transformerLineCurrentA } from '../../grid/site-network.ts';
import { caltechSite } from '../optimizer/network/network-builders.ts';

describe('problemNetwork', () => {
  it('returns the same frozen network for the same site network, its own objects frozen too', () => {
    const site = caltechSite().network;
    const a = problemNetwork(site);
    expect(problemNetwork(site)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.transformer)).toBe(true);
    if (a.transformer?.primary) expect(Object.isFrozen(a.transformer.primary)).toBe(true);
    expect(a.groups).toBe(site.groups);
  });

  it('gives a copy of the site network with another rating its own limits', () => {
    const site = caltechSite().network;
    const other = { ...site, transformer: { ...site.transformer!, ratingKva: 20 } };
    const a = problemNetwork(site);
    const b = problemNetwork(other);
    expect(b).not.toBe(a);
    expect(b.transformer!.secondaryMaxCurrentA).toBe(transformerLineCurrentA(20, site.transformer!.secondaryVoltageV));
    expect(a.transformer!.secondaryMaxCurrentA).toBe(transformerLineCurrentA(site.transformer!.ratingKva, site.transformer!.secondaryVoltageV));
  });
});
