/** Actions, each with the scope the API asks for; the API's field-named errors are shown next to their fields. */
import { useState } from 'preact/hooks';
import { api, ApiError } from './api.ts';
import { isoToZonedLocal, zonedToIso } from './format.ts';
import type { SitePage, VehicleRow } from './types.ts';

/** The outcome of a submitted form: which fields the API named and the overall message. */
interface Outcome {
  readonly ok: boolean;
  readonly message: string;
  readonly error?: ApiError;
}

function FieldError({ outcome, field, id }: { outcome: Outcome | undefined; field: string; id: string }) {
  const text = outcome?.error?.forField(field);
  return text ? (
    <span class="field-error" id={id} role="alert">
      {text}
    </span>
  ) : null;
}

function Status({ outcome }: { outcome: Outcome | undefined }) {
  if (!outcome) return null;
  return (
    <p class={outcome.ok ? 'ok' : 'error'} role="status">
      {outcome.message}
    </p>
  );
}

async function submit(run: () => Promise<string>, set: (o: Outcome) => void): Promise<void> {
  try {
    set({ ok: true, message: await run() });
  } catch (e) {
    const error = e instanceof ApiError ? e : new ApiError({ status: 0, detail: String(e) });
    set({ ok: false, message: `${error.problem.status ? `${error.problem.status} ` : ''}${error.problem.code ?? ''}: ${error.message}`, error });
  }
}

export function SessionEditor({ token, page, row }: { token: string; page: SitePage; row: VehicleRow }) {
  const zone = page.site.timeZone;
  const [departure, setDeparture] = useState(isoToZonedLocal(row.departure, zone));
  const [target, setTarget] = useState(row.targetSocPct !== undefined ? String(row.targetSocPct) : '');
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const base = `edit-${row.sessionId}`;
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const iso = zonedToIso(departure, zone);
    const body: Record<string, unknown> = { departure: iso ?? departure };
    if (target.trim() !== '') body.targetSocPercent = Number(target);
    await submit(async () => {
      await api(token, 'PATCH', `/v1/sites/${encodeURIComponent(page.site.id)}/sessions/${encodeURIComponent(row.sessionId)}`, body);
      return 'saved: the site is re-planned with the new departure and target';
    }, setOutcome);
    setBusy(false);
  };
  return (
    <form class="action" onSubmit={(e) => void onSubmit(e)} aria-label={`Departure and target of ${row.sessionId}`}>
      <div class="field">
        <label for={`${base}-departure`}>Departure ({zone})</label>
        <input id={`${base}-departure`} name="departure" type="datetime-local" value={departure} required onInput={(e) => setDeparture(e.currentTarget.value)} aria-describedby={`${base}-departure-error`} />
        <FieldError outcome={outcome} field="departure" id={`${base}-departure-error`} />
      </div>
      <div class="field">
        <label for={`${base}-target`}>Target state of charge (%)</label>
        <input id={`${base}-target`} name="targetSocPercent" type="number" step="any" value={target} onInput={(e) => setTarget(e.currentTarget.value)} aria-describedby={`${base}-target-error`} />
        <FieldError outcome={outcome} field="targetSocPercent" id={`${base}-target-error`} />
      </div>
      <button type="submit" disabled={busy}>
        Save departure and target
      </button>
      <Status outcome={outcome} />
    </form>
  );
}

export function DispatchForm({ token, page }: { token: string; page: SitePage }) {
  const zone = page.site.timeZone;
  const hour = 3_600_000;
  const nextHour = Math.ceil(Date.now() / hour) * hour;
  const [kind, setKind] = useState('import-limit');
  const [power, setPower] = useState('');
  const [start, setStart] = useState(isoToZonedLocal(new Date(nextHour).toISOString(), zone));
  const [end, setEnd] = useState(isoToZonedLocal(new Date(nextHour + hour).toISOString(), zone));
  const [reference, setReference] = useState('');
  const [outcome, setOutcome] = useState<Outcome>();
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const body = {
      kind,
      powerKw: power.trim() === '' ? undefined : Number(power),
      start: zonedToIso(start, zone) ?? start,
      end: zonedToIso(end, zone) ?? end,
      ...(reference.trim() !== '' ? { reference: reference.trim() } : {}),
    };
    await submit(async () => {
      const d = await api<{ id: string; acknowledgement: { message: string } }>(token, 'POST', `/v1/sites/${encodeURIComponent(page.site.id)}/dispatches`, body);
      return `dispatch ${d.id} posted: ${d.acknowledgement.message}`;
    }, setOutcome);
    setBusy(false);
  };
  return (
    <form class="action" onSubmit={(e) => void onSubmit(e)} aria-label="Post a dispatch">
      <div class="field">
        <label for="dispatch-kind">Kind</label>
        <select id="dispatch-kind" name="kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="import-limit">import limit (site imports at most the power)</option>
          <option value="export-delivery">export delivery (fleet discharges up to the power)</option>
        </select>
        <FieldError outcome={outcome} field="kind" id="dispatch-kind-error" />
      </div>
      <div class="field">
        <label for="dispatch-power">Power (kW)</label>
        <input id="dispatch-power" name="powerKw" type="number" step="any" value={power} onInput={(e) => setPower(e.currentTarget.value)} aria-describedby="dispatch-power-error" />
        <FieldError outcome={outcome} field="powerKw" id="dispatch-power-error" />
      </div>
      <div class="field">
        <label for="dispatch-start">Start ({zone})</label>
        <input id="dispatch-start" name="start" type="datetime-local" value={start} onInput={(e) => setStart(e.currentTarget.value)} aria-describedby="dispatch-start-error" />
        <FieldError outcome={outcome} field="start" id="dispatch-start-error" />
      </div>
      <div class="field">
        <label for="dispatch-end">End ({zone})</label>
        <input id="dispatch-end" name="end" type="datetime-local" value={end} onInput={(e) => setEnd(e.currentTarget.value)} aria-describedby="dispatch-end-error" />
        <FieldError outcome={outcome} field="end" id="dispatch-end-error" />
      </div>
      <div class="field">
        <label for="dispatch-reference">Reference (optional)</label>
        <input id="dispatch-reference" name="reference" value={reference} onInput={(e) => setReference(e.currentTarget.value)} />
        <FieldError outcome={outcome} field="reference" id="dispatch-reference-error" />
      </div>
      <button type="submit" disabled={busy}>
        Post dispatch
      </button>
      <Status outcome={outcome} />
    </form>
  );
}

export function CancelDispatch({ token, siteId, dispatchId }: { token: string; siteId: string; dispatchId: string }) {
  const [outcome, setOutcome] = useState<Outcome>();
  return (
    <>
      <button
        type="button"
        onClick={() =>
          void submit(async () => {
            await api(token, 'DELETE', `/v1/sites/${encodeURIComponent(siteId)}/dispatches/${encodeURIComponent(dispatchId)}`);
            return 'cancelled';
          }, setOutcome)
        }
      >
        Cancel {dispatchId}
      </button>
      <Status outcome={outcome} />
    </>
  );
}

export function ReplanButton({ token, siteId }: { token: string; siteId: string }) {
  const [outcome, setOutcome] = useState<Outcome>();
  return (
    <div class="replan">
      <button
        type="button"
        onClick={() =>
          void submit(async () => {
            const r = await api<{ message?: string }>(token, 'POST', `/v1/sites/${encodeURIComponent(siteId)}/optimize?wait=false`);
            return r.message ?? 're-plan queued';
          }, setOutcome)
        }
      >
        Re-plan now
      </button>
      <Status outcome={outcome} />
    </div>
  );
}
