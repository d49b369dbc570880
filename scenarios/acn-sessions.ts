/**
 * ACN-Data sessions CSV (shared/data/acn_caltech_sessions_*.csv, see SOURCES.md) to source sessions. Pure:
 * text in. Columns read: session_id, the charger column (`space_id` or `station_id`), connection_time_utc,
 * disconnect_time_utc, kwh_delivered, kwh_requested and requested_departure_utc (both may be empty).
 * Every bad row is reported with its line number (`V2G_ERR_SCENARIO_DATA`).
 */
import { parse } from 'csv-parse/sync';
import { parseRfc3339 } from '../grid/instant.ts';
import { ScenarioError, type ScenarioIssue } from './errors.ts';
import type { SourceSession } from './replay-session.ts';

const required = ['session_id', 'connection_time_utc', 'disconnect_time_utc', 'kwh_delivered', 'kwh_requested', 'requested_departure_utc'];
const decimal = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

type Row = { record: string[]; info: { lines: number } };

/** Reads every session of an ACN-Data CSV text. `chargerColumn` names the charger (ACN-Sim uses `space_id`). */
export function parseAcnSessions(text: string, chargerColumn: 'space_id' | 'station_id', file = 'the sessions CSV'): SourceSession[] {
  let rows: Row[];
  try {
    rows = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: true }) as unknown as Row[];
  } catch (e) {
    const err = e as { message?: string; lines?: number };
    throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file} is not CSV`, [{ line: err.lines ?? 1, message: err.message ?? String(e) }]);
  }
  const header = rows[0];
  if (header === undefined) throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file} is empty`, [{ line: 1, message: 'no header row' }]);
  const col = new Map(header.record.map((name, i) => [name, i]));
  const missing = [...required, chargerColumn].filter((c) => !col.has(c));
  if (missing.length > 0) {
    throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file} lacks ACN-Data columns`, missing.map((c) => ({ line: header.info.lines, message: `no column "${c}"` })));
  }
  const at = (r: string[], name: string) => r[col.get(name)!] ?? '';
  const issues: ScenarioIssue[] = [];
  const out: SourceSession[] = [];
  for (const row of rows.slice(1)) {
    const line = row.info.lines;
    const r = row.record;
    if (r.length !== header.record.length) {
      issues.push({ line, message: `has ${r.length} fields, the header has ${header.record.length}` });
      continue;
    }
    const before = issues.length;
    const instant = (name: string, optional: boolean): number | undefined => {
      const v = at(r, name);
      if (v === '' && optional) return undefined;
      const p = parseRfc3339(v);
      if (!p.ok) issues.push({ line, message: `${name}: ${p.message}` });
      return p.ok ? p.utcMs : undefined;
    };
    const number = (name: string, optional: boolean): number | undefined => {
      const v = at(r, name);
      if (v === '' && optional) return undefined;
      if (!decimal.test(v) || Number(v) < 0) issues.push({ line, message: `${name}: "${v}" is not a non-negative number` });
      return Number(v);
    };
    const id = at(r, 'session_id');
    const chargerId = at(r, chargerColumn);
    if (id === '') issues.push({ line, message: 'session_id is empty' });
    if (chargerId === '') issues.push({ line, message: `${chargerColumn} is empty` });
    const arrival = instant('connection_time_utc', false);
    const departure = instant('disconnect_time_utc', false);
    const declared = instant('requested_departure_utc', true);
    const delivered = number('kwh_delivered', false);
    const requested = number('kwh_requested', true);
    if (arrival !== undefined && departure !== undefined && departure <= arrival) {
      issues.push({ line, message: 'disconnect_time_utc is not after connection_time_utc' });
    }
    if (issues.length > before) continue;
    out.push({
      id,
      chargerId,
      arrivalUtcMs: arrival!,
      departureUtcMs: departure!,
      declaredDepartureUtcMs: declared,
      deliveredKwh: delivered!,
      requestedKwh: requested,
      line,
    });
  }
  if (issues.length > 0) throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file}: rows could not all be read`, issues);
  const ids = new Map<string, number>();
  for (const s of out) {
    const prev = ids.get(s.id);
    if (prev !== undefined) issues.push({ line: s.line, message: `session_id "${s.id}" repeats line ${prev}` });
    ids.set(s.id, s.line);
  }
  if (issues.length > 0) throw new ScenarioError('V2G_ERR_SCENARIO_DATA', `${file}: session ids are not unique`, issues);
  return out;
}
