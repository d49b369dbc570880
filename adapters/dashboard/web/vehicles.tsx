/**
 * The per-vehicle timeline: one row per session with its plug window, planned power and state of charge as a
 * small drawing over the plan's horizon, the target at departure, V2G consent and any shortfall with its reason.
 * Only the rows in view are rendered (virtual-rows.tsx), so a 1,000-vehicle site renders at once.
 */
import { useMemo, useState } from 'preact/hooks';
import { dateTime, kw, kwh, pct } from './format.ts';
import { VirtualRows } from './virtual-rows.tsx';
import type { SitePage, VehicleRow } from './types.ts';

const width = 240;
const height = 36;

/** The row's drawing: plug window (band), power (bars: up charge, down discharge) and SoC (line, 0-100 %). */
function Strip({ row, slots, maxKw }: { row: VehicleRow; slots: number; maxKw: number }) {
  const dx = width / slots;
  const mid = height / 2;
  const from = row.plugSlots?.from ?? 0;
  let power = '';
  row.powerKw.forEach((p, i) => {
    if (p !== 0) power += `M${((from + i) * dx).toFixed(1)} ${mid}v${(-(p / maxKw) * mid).toFixed(1)}h${dx.toFixed(1)}v${((p / maxKw) * mid).toFixed(1)}z`;
  });
  const soc = row.socPct.map((s, i) => `${i === 0 ? 'M' : 'L'}${((from + i) * dx).toFixed(1)} ${(height - (s / 100) * height).toFixed(1)}`).join('');
  const target = row.targetSocPct !== undefined && row.plugSlots ? height - (row.targetSocPct / 100) * height : undefined;
  return (
    <svg class="strip" viewBox={`0 0 ${width} ${height}`} width={width} height={height} aria-hidden="true">
      {row.plugSlots ? <rect x={row.plugSlots.from * dx} y={0} width={(row.plugSlots.to - row.plugSlots.from) * dx} height={height} class="plug" /> : null}
      <path d={power} class="power" />
      {target !== undefined && row.plugSlots ? <line x1={row.plugSlots.to * dx - 6} x2={row.plugSlots.to * dx} y1={target} y2={target} class="target" /> : null}
      <path d={soc} class="soc" />
    </svg>
  );
}

/** State of charge at slot boundary `t` (%): before the plug window its first value, after it its last. */
export function socAt(row: VehicleRow, t: number): number | undefined {
  if (row.socPct.length === 0) return undefined;
  const i = Math.min(Math.max(t - (row.plugSlots?.from ?? 0), 0), row.socPct.length - 1);
  return row.socPct[i];
}

/** The largest planned charge or discharge power of any vehicle (kW, at least 1): the strips' common scale. */
function largestKw(rows: readonly VehicleRow[]): number {
  let max = 1;
  for (const v of rows) for (const p of v.powerKw) if (Math.abs(p) > max) max = Math.abs(p);
  return max;
}

type Filter = 'all' | 'shortfall' | 'v2g' | 'unplanned';

export function VehicleTimeline({ page, selected, onSelect }: { page: SitePage; selected: string | undefined; onSelect: (id: string) => void }) {
  const [filter, setFilter] = useState<Filter>('all');
  const [query, setQuery] = useState('');
  const zone = page.site.timeZone;
  const slots = page.plan?.horizon.slotCount ?? 1;
  const maxKw = useMemo(() => largestKw(page.vehicles), [page]);
  const rows = page.vehicles.filter((v) => {
    if (query && !`${v.sessionId} ${v.chargerId} ${v.vehicleId ?? ''}`.toLowerCase().includes(query.toLowerCase())) return false;
    if (filter === 'shortfall') return v.shortfallKwh > 0;
    if (filter === 'v2g') return v.v2gConsent;
    if (filter === 'unplanned') return v.planned !== 'planned';
    return true;
  });
  return (
    <section aria-labelledby="vehicles-title">
      <h2 id="vehicles-title">Vehicles ({page.vehicles.length})</h2>
      <p class="hint">
        Each strip spans the plan's horizon: shaded = plugged in, bars = planned power (up charge, down discharge, scale ±{kw(maxKw)}), line = state of charge (0–100 %), tick = target at
        departure. Times in {zone}.
      </p>
      <div class="filters">
        <label for="vehicle-search">Search</label>
        <input id="vehicle-search" type="search" value={query} onInput={(e) => setQuery(e.currentTarget.value)} placeholder="session, charger or vehicle id" />
        <label for="vehicle-filter">Show</label>
        <select id="vehicle-filter" value={filter} onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
          <option value="all">all</option>
          <option value="shortfall">with a shortfall</option>
          <option value="v2g">with V2G consent</option>
          <option value="unplanned">not in the plan</option>
        </select>
        <span aria-live="polite">{rows.length} shown</span>
      </div>
      <VirtualRows
        rows={rows}
        rowHeight={56}
        columns={6}
        label="Vehicles"
        testId="vehicle-table"
        header={
          <tr>
            <th scope="col">Session / charger</th>
            <th scope="col">Plugged in ({zone})</th>
            <th scope="col">Plan over the horizon</th>
            <th scope="col">SoC now → at departure (target)</th>
            <th scope="col">V2G</th>
            <th scope="col">Shortfall</th>
          </tr>
        }
        render={(v) => (
          <tr key={v.sessionId} class={`row ${v.shortfallKwh > 0 ? 'short' : ''} ${selected === v.sessionId ? 'selected' : ''}`}>
            <th scope="row">
              <button type="button" class="link" aria-pressed={selected === v.sessionId} onClick={() => onSelect(v.sessionId)}>
                {v.sessionId}
              </button>
              <div class="sub">{v.chargerId}</div>
            </th>
            <td>
              {dateTime(v.arrival, zone)} → {dateTime(v.departure, zone)}
            </td>
            <td>
              <Strip row={v} slots={slots} maxKw={maxKw} />
            </td>
            <td>
              {v.socPct.length > 0 ? `${pct(socAt(v, page.nowSlot ?? 0)!)} → ${pct(v.departureSocPct ?? 0)}` : '–'}
              {v.targetSocPct !== undefined ? ` (${pct(v.targetSocPct)})` : ''}
            </td>
            <td>{v.v2gConsent ? (v.v2gPlanned ? 'consent' : 'consent (charger cannot)') : 'no'}</td>
            <td title={v.reason}>
              {v.shortfallKwh > 0 ? <strong>{kwh(v.shortfallKwh)}</strong> : v.planned === 'planned' ? 'none' : ''}
              {v.reason ? <div class="sub clip">{v.reason}</div> : null}
            </td>
          </tr>
        )}
      />
    </section>
  );
}
