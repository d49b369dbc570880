/** One site: plan charts, the last re-plan, vehicles, chargers, dispatches and flexibility, with the actions the token may take. */
import { useState } from 'preact/hooks';
import { FlexibilityChart, LoadChart, PriceChart, VehicleChart } from './charts.tsx';
import { CancelDispatch, DispatchForm, ReplanButton, SessionEditor } from './forms.tsx';
import { dateTime, kw, kwh, money, pricePerKwh, signed } from './format.ts';
import type { Me, ReplanDiff, SitePage } from './types.ts';
import { VehicleTimeline } from './vehicles.tsx';
import { VirtualRows } from './virtual-rows.tsx';
import { WhenVisible } from './when-visible.tsx';

const can = (me: Me, scope: string) => me.scopes.includes('admin') || me.scopes.includes(scope);

function LastReplan({ diff, zone, currency }: { diff: ReplanDiff; zone: string; currency: string }) {
  return (
    <section aria-labelledby="replan-title" class="card">
      <h2 id="replan-title">Last re-plan</h2>
      <p>
        {dateTime(diff.createdAt, zone)}: {diff.solver}. Why: {diff.triggers.join('; ') || 'not recorded'}.
      </p>
      {diff.failedAttempt ? (
        <p class="error" role="alert">
          A later re-plan failed at {dateTime(diff.failedAttempt.at, zone)} ({diff.failedAttempt.code ?? 'error'}
          {diff.failedAttempt.willRetry ? ', retrying' : ''}): {diff.failedAttempt.message}. This plan stays in force.
        </p>
      ) : null}
      {diff.previousPlanId ? (
        <ul>
          <li>net cost {signed(diff.netCostChange ?? 0, currency)}</li>
          <li>shortfall {signed(diff.shortfallKwhChange ?? 0, 'kWh')}</li>
          <li>peak import {signed(diff.peakImportKwChange ?? 0, 'kW')}</li>
          <li>
            vehicles: {diff.vehiclesAdded.length} added{diff.vehiclesAdded.length ? ` (${diff.vehiclesAdded.slice(0, 5).join(', ')})` : ''}, {diff.vehiclesRemoved.length} removed
            {diff.vehiclesRemoved.length ? ` (${diff.vehiclesRemoved.slice(0, 5).join(', ')})` : ''}, {diff.vehiclesChanged} with a different energy at departure
          </li>
          <li>
            dispatches: {diff.dispatchesAdded.length ? `added ${diff.dispatchesAdded.join(', ')}` : 'none added'}
            {diff.dispatchesRemoved.length ? `; removed ${diff.dispatchesRemoved.join(', ')}` : ''}
          </li>
        </ul>
      ) : (
        <p>The first plan of this site since the service started (nothing to compare).</p>
      )}
    </section>
  );
}

/** The plan's slots as a table (the charts' numbers, for keyboard and screen-reader users and for reading exact values). */
function SlotTable({ page }: { page: SitePage }) {
  const [open, setOpen] = useState(false);
  const plan = page.plan!;
  const zone = page.site.timeZone;
  const currency = page.site.currency;
  return (
    <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>The plan's slots as a table</summary>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Slot ({zone})</th>
              <th scope="col">Import price ({currency}/kWh)</th>
              <th scope="col">Export price ({currency}/kWh)</th>
              <th scope="col">Base load (kW)</th>
              <th scope="col">PV (kW)</th>
              <th scope="col">Fleet (kW)</th>
              <th scope="col">Net import (kW)</th>
              <th scope="col">Import limit (kW)</th>
            </tr>
          </thead>
          <tbody>
            {/* Rendered only while open: the first render draws the charts, not 96 hidden rows. */}
            {open ? plan.site.slots.map((s, t) => (
              <tr key={s.start}>
                <th scope="row">{dateTime(s.start, zone)}</th>
                <td>{s.importPricePerKwh}</td>
                <td>{s.exportPricePerKwh}</td>
                <td>{s.baseLoadKw}</td>
                <td>{s.pvKw}</td>
                <td>{Math.round((page.fleet!.chargeKw[t]! - page.fleet!.dischargeKw[t]!) * 1000) / 1000}</td>
                <td>{s.netKw}</td>
                <td>
                  {s.importLimitKw} ({s.importLimitSource})
                </td>
              </tr>
            )) : null}
          </tbody>
        </table>
      </div>
    </details>
  );
}

export function SiteView({ page, me, token, selected, onSelect }: { page: SitePage; me: Me; token: string; selected: string | undefined; onSelect: (id: string | undefined) => void }) {
  const zone = page.site.timeZone;
  const plan = page.plan;
  const currency = page.site.currency;
  const row = page.vehicles.find((v) => v.sessionId === selected);
  const now = page.nowSlot !== null && plan ? plan.site.slots[page.nowSlot] : undefined;
  return (
    <div class="site" data-plan-id={plan?.id ?? ''} data-testid="site-page">
      <header class="site-head">
        <h1>{page.site.name}</h1>
        <p class="sub">
          {page.site.id} · time zone {zone} · prices in {currency}/kWh · {page.site.slotMinutes}-minute slots
        </p>
      </header>
      {plan ? (
        <section class="cards" aria-label="The plan in force">
          <div class="card">
            <h2>Plan</h2>
            <p data-testid="plan-id">
              {plan.id.slice(0, 13)}… made {dateTime(plan.createdAt, zone)}
            </p>
            <p>
              solver {plan.status.solver} ({plan.solver.backend}), {plan.status.freshness}
            </p>
            {plan.status.message ? <p class="sub">{plan.status.message}</p> : null}
            <p class="sub">
              horizon {dateTime(plan.horizon.start, zone)} → {dateTime(plan.horizon.end, zone)} (limited by {plan.horizon.limitedBy})
            </p>
          </div>
          <div class="card">
            <h2>Now</h2>
            {now ? (
              <>
                <p class="big">
                  {kw(now.netKw)} <span class="sub">of {kw(now.importLimitKw)} import limit ({now.importLimitSource})</span>
                </p>
                <p>
                  import price {pricePerKwh(now.importPricePerKwh, currency)}, export price {pricePerKwh(now.exportPricePerKwh, currency)}
                </p>
              </>
            ) : (
              <p>now is outside the plan's horizon</p>
            )}
          </div>
          {page.cost ? (
            <div class="card">
              <h2>Cost over the horizon</h2>
              <p class="big">{money(page.cost.planNetCost, currency)}</p>
              <p>
                uncontrolled charging: {money(page.cost.uncontrolledNetCost, currency)} (saves {money(page.cost.savings, currency)})
              </p>
              <p class="sub">
                shortfall {kwh(page.cost.planShortfallKwh)} planned vs {kwh(page.cost.uncontrolledShortfallKwh)} uncontrolled. {page.cost.basis}
              </p>
            </div>
          ) : null}
          {page.billingPeak ? (
            <div class="card">
              <h2>Billing-period peak</h2>
              <p class="big">{kw(page.billingPeak.peakImportKw)}</p>
              <p class="sub">
                {page.billingPeak.meaning}
                {page.billingPeak.demandChargePerKw !== null ? ` (${page.billingPeak.demandChargePerKw} ${currency}/kW)` : ''}
              </p>
            </div>
          ) : null}
        </section>
      ) : (
        <p class="card">This site has no plan yet: it needs import prices covering now (see the API's signals).</p>
      )}
      {can(me, 'admin') ? <ReplanButton token={token} siteId={page.site.id} /> : null}
      {plan && page.fleet ? (
        <section aria-label="Charts" class="charts">
          <PriceChart page={page} />
          <LoadChart page={page} />
          <SlotTable page={page} />
        </section>
      ) : null}
      {page.lastReplan ? <LastReplan diff={page.lastReplan} zone={zone} currency={currency} /> : null}
      {row && plan ? (
        <section aria-labelledby="vehicle-title" class="card">
          <h2 id="vehicle-title">
            Vehicle {row.sessionId}{' '}
            <button type="button" onClick={() => onSelect(undefined)}>
              Close
            </button>
          </h2>
          <VehicleChart page={page} row={row} />
          <p>
            capacity {kwh(row.capacityKwh)}, V2G consent {row.v2gConsent ? 'yes' : 'no'}, shortfall {kwh(row.shortfallKwh)}
            {row.reason ? `: ${row.reason}` : ''}
          </p>
          {can(me, 'admin') ? <SessionEditor key={row.sessionId} token={token} page={page} row={row} /> : <p class="sub">Changing the departure or target needs a token with the admin scope.</p>}
        </section>
      ) : null}
      <VehicleTimeline page={page} selected={selected} onSelect={onSelect} />
      <section aria-labelledby="chargers-title">
        <h2 id="chargers-title">
          Chargers: {page.delivery.summary.connected} of {page.delivery.summary.chargers} connected, plan applied on {page.delivery.summary.applied}
          {page.delivery.summary.notApplied ? `, not applied on ${page.delivery.summary.notApplied}` : ''}
        </h2>
        <VirtualRows
          rows={page.delivery.chargers}
          rowHeight={56}
          columns={4}
          label="Chargers"
          testId="charger-table"
          header={
            <tr>
              <th scope="col">Charger</th>
              <th scope="col">Connection</th>
              <th scope="col">OCPP version</th>
              <th scope="col">Plan delivery</th>
            </tr>
          }
          render={(c) => (
            <tr key={c.chargerId} class="row" data-charger={c.chargerId} data-connected={c.link?.connected ? 'yes' : 'no'}>
              <th scope="row">{c.chargerId}</th>
              <td>
                {c.link ? (
                  <>
                    <span class={c.link.connected ? 'ok' : 'error'}>{c.link.connected ? 'connected' : 'disconnected'}</span> since {dateTime(c.link.since, zone)}
                    {c.link.reason ? <div class="sub clip" title={c.link.reason}>{c.link.reason}</div> : null}
                  </>
                ) : (
                  'never connected'
                )}
              </td>
              <td>{c.link?.version ?? '–'}</td>
              <td>
                {c.delivery ? (
                  <>
                    <span class={c.delivery.status === 'applied' ? 'ok' : c.delivery.status === 'pending' ? '' : 'error'}>{c.delivery.status}</span> since {dateTime(c.delivery.at, zone)}
                    {c.delivery.message ? (
                      <div class="sub clip" title={c.delivery.message}>
                        {c.delivery.code ? `${c.delivery.code}: ` : ''}
                        {c.delivery.message}
                        {c.delivery.nextRetryAt ? ` (attempt ${c.delivery.attempts}, next retry ${dateTime(c.delivery.nextRetryAt, zone)})` : ''}
                      </div>
                    ) : null}
                  </>
                ) : (
                  'no plan sent yet'
                )}
              </td>
            </tr>
          )}
        />
      </section>
      <section aria-labelledby="dispatches-title">
        <h2 id="dispatches-title">Dispatches</h2>
        {page.dispatches.length === 0 ? <p>No dispatches.</p> : null}
        <ul class="dispatches" data-testid="dispatch-list">
          {page.dispatches.map((d) => (
            <li key={d.id} data-dispatch={d.id}>
              <strong>{d.kind}</strong> {kw(d.powerKw)} {dateTime(d.start, zone)} → {dateTime(d.end, zone)} · {d.status}
              {d.reference ? ` · ${d.reference}` : ''} · by {d.requestedBy}
              <div class="sub">
                {d.acknowledgement.state === 'acknowledged' ? `${d.acknowledgement.fulfilment}: ` : 'pending: '}
                {d.acknowledgement.message}
              </div>
              {d.status === 'active' && can(me, 'dispatch') ? <CancelDispatch token={token} siteId={page.site.id} dispatchId={d.id} /> : null}
            </li>
          ))}
        </ul>
        {can(me, 'dispatch') ? <DispatchForm token={token} page={page} /> : <p class="sub">Posting a dispatch needs a token with the dispatch scope.</p>}
        {page.flexibility && plan ? (
          <>
            <WhenVisible heightPx={300} label="Flexibility envelope chart" testId="flex-chart-pending">
              <FlexibilityChart page={page} slots={page.flexibility.slots} />
            </WhenVisible>
            <p class="sub">{page.flexibility.explanation}</p>
          </>
        ) : null}
      </section>
    </div>
  );
}
