/**
 * The network's row templates (magnitude-rows.ts `magnitudeRowTemplates`) shared by problems that would build the
 * same ones. A problem's templates are a function of its network's elements (`networkElements`, memoised per
 * network), the polygon's loss, and per vehicle in problem order: its charger and whether it may charge and
 * discharge in some slot. Successive decisions of a rolling horizon often have the same vehicles on the same
 * chargers (a plan replaced for drift or age, the delivery-first second solve), so their templates are taken
 * from here instead of being built again: the same numbers, not recomputed.
 */
import type { ResolvedProblem } from '../resolved-problem.ts';
import { magnitudeRowTemplates, type SharedRowTemplate } from './magnitude-rows.ts';
import { networkElements, type NetworkElement } from './network-elements.ts';

/** Templates kept per network elements list: the most recent keys (a rolling horizon's decisions come in order). */
export const templateCacheSize = 4;

interface Entry {
  readonly key: string;
  readonly templates: readonly SharedRowTemplate[];
}

const recentOf = new WeakMap<readonly NetworkElement[], Entry[]>();

/** What `magnitudeRowTemplates(rp, rp.network)` reads besides the elements: the loss and, per vehicle, charger and directions. */
export function templateKey(rp: ResolvedProblem): string {
  const parts: string[] = [String(rp.network?.maxLossFraction)];
  rp.vehicles.forEach((v) => {
    const charges = v.maxChargeKw.some((x) => x > 0) ? 1 : 0;
    const discharges = v.maxDischargeKw.some((x) => x > 0) ? 1 : 0;
    parts.push(`${v.chargerId}\u0001${charges}${discharges}`);
  });
  return parts.join('\u0000');
}

/**
 * `magnitudeRowTemplates(rp, rp.network)` ([] without a network), taken from a recent problem with the same key when
 * there is one (the arrays are shared: read them, never change them).
 */
export function rowTemplatesOf(rp: ResolvedProblem): readonly SharedRowTemplate[] {
  const network = rp.network;
  const source = rp.source.network;
  if (network === undefined || source === undefined) return [];
  const elements = networkElements(source);
  const key = templateKey(rp);
  let recent = recentOf.get(elements);
  if (recent === undefined) {
    recent = [];
    recentOf.set(elements, recent);
  }
  const at = recent.findIndex((e) => e.key === key);
  if (at >= 0) {
    const hit = recent[at]!;
    if (at > 0) {
      recent.splice(at, 1);
      recent.unshift(hit);
    }
    return hit.templates;
  }
  const templates = magnitudeRowTemplates(rp, network);
  recent.unshift({ key, templates });
  if (recent.length > templateCacheSize) recent.length = templateCacheSize;
  return templates;
}
