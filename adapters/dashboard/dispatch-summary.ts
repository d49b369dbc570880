/**
 * A dispatch as the site page shows it: the API's dispatch view without the acknowledgement's per-slot rows.
 * The page lists each dispatch's fulfilment and message only; the slots (96 rows per day-long dispatch) stay
 * readable at `GET /v1/sites/{id}/dispatches/{dispatchId}`.
 */
import type { dispatchView } from '../http/views/dispatch-view.ts';

type DispatchView = ReturnType<typeof dispatchView>;
type Acknowledgement = DispatchView['acknowledgement'];
type AcknowledgedView = Extract<Acknowledgement, { state: 'acknowledged' }>;

/** The acknowledgement without its per-slot rows; a pending one unchanged. */
export type AcknowledgementSummary = Omit<AcknowledgedView, 'slots'> | Extract<Acknowledgement, { state: 'pending' }>;

/** One dispatch row of the site page. */
export type DispatchSummary = Omit<DispatchView, 'acknowledgement'> & { readonly acknowledgement: AcknowledgementSummary };

/** Drops the acknowledgement's per-slot rows, keeping everything else as the API gives it. */
export function dispatchSummary(view: DispatchView): DispatchSummary {
  const ack = view.acknowledgement;
  if (ack.state !== 'acknowledged') return view;
  const { slots: _slots, ...summary } = ack;
  return { ...view, acknowledgement: summary };
}
