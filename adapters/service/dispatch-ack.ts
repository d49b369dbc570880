/**
 * A dispatch's acknowledgement: what the plan made with it actually does in each slot of its window.
 *
 * An import limit is met in a slot when the planned import (including any import the base load forces
 * above the limit) is at most the limit; an export delivery when the planned export is at least the power
 * asked. Slots are those the window touches (a partly covered slot counts, as for the limit itself). The
 * part of the window after the plan's horizon is not planned yet and is reported as such.
 */
import { formatInstant } from '../../grid/instant.ts';
import type { DispatchAck, DispatchRecord, PlanRecord } from '../store/records.ts';
import { slotsTouched } from './dispatch-incentive.ts';

/** Planned power within this of the request counts as meeting it (kW). */
const toleranceKw = 1e-3;

const round = (x: number) => Math.round(x * 1000) / 1000;

export function acknowledgeDispatch(dispatch: DispatchRecord, record: PlanRecord, nowUtcMs: number): DispatchAck {
  const grid = record.grid;
  const site = record.plan.site;
  const isLimit = dispatch.kind === 'import-limit';
  const slots = slotsTouched(grid, dispatch.startUtcMs, dispatch.endUtcMs).map((t) => {
    const planned = isLimit ? site.importKw[t]! : site.exportKw[t]!;
    return {
      startUtcMs: grid.startUtcMs + t * grid.slotMs,
      endUtcMs: grid.startUtcMs + (t + 1) * grid.slotMs,
      requestedKw: dispatch.powerKw,
      plannedKw: round(planned),
      met: isLimit ? planned <= dispatch.powerKw + toleranceKw : planned >= dispatch.powerKw - toleranceKw,
    };
  });
  const beyond = dispatch.endUtcMs > grid.endUtcMs ? Math.max(dispatch.startUtcMs, grid.endUtcMs) : undefined;
  const met = slots.filter((s) => s.met).length;
  const fulfilment: DispatchAck['fulfilment'] =
    slots.length > 0 && met === slots.length && beyond === undefined ? 'full' : met === 0 ? 'none' : 'partial';
  const what = isLimit ? `import at or below ${dispatch.powerKw} kW` : `export of ${dispatch.powerKw} kW`;
  const parts = [slots.length > 0 ? `${what} in ${met} of ${slots.length} planned slot(s)` : `${what}: no slot of the window is in the plan's horizon`];
  if (!isLimit && slots.length > 0 && met < slots.length) {
    parts.push(`at most ${Math.max(...slots.map((s) => s.plannedKw))} kW can be exported in the window`);
  }
  if (isLimit && met < slots.length) parts.push('the base load alone exceeds the limit in the other slots');
  if (beyond !== undefined) parts.push(`from ${formatInstant(beyond, grid.zone)} the window lies beyond the horizon and will be planned as the horizon rolls forward`);
  return {
    planId: record.id,
    acknowledgedAtUtcMs: nowUtcMs,
    fulfilment,
    message: parts.join('; '),
    slots,
    ...(beyond !== undefined ? { beyondHorizonFromUtcMs: beyond } : {}),
    shortfallKwh: round(record.plan.cost.shortfallKwh),
  };
}
