/**
 * Helpers for tests that run the whole service on real ports (HTTP and OCPP) with simulated chargers:
 * a site whose chargers are the simulator's (`SIM-0001`...), a day of prices from now, polling, and
 * an HTTP client with a bearer token.
 */
import { alignToSlotStart } from '../../../grid/slot-grid.ts';
import { hangGuard } from '../../hang-guard.ts';

export const adminToken = 'admin-token-0123456789abcdef';
export const apiTokens = `ops:${adminToken}:admin`;

/** A site with `ocpp` simulator chargers `SIM-0001`.. and `extra` API chargers `cp-0001`.. (11 kW, V2G). */
export function simSite(id: string, ocpp: number, extra = 0) {
  const chargers = [
    ...Array.from({ length: ocpp }, (_, i) => ({ id: `SIM-${String(i + 1).padStart(4, '0')}`, ac: { maxCurrentA: 16, minCurrentA: 6, phases: 3, voltageV: 230 }, canDischarge: true })),
    ...Array.from({ length: extra }, (_, i) => ({ id: `cp-${String(i + 1).padStart(4, '0')}`, maxPowerKw: 11, canDischarge: i % 2 === 0 })),
  ];
  return {
    id,
    name: `Test depot ${id}`,
    timeZone: 'Europe/Berlin',
    currency: 'EUR',
    connection: { importLimitKw: Math.max(100, 8 * (ocpp + extra)), exportLimitKw: 50 },
    chargers,
    tariff: {},
  };
}

/** Quarter-hour prices for `hours` from the quarter-hour before now (EUR/MWh; dear 17-20 UTC). */
export function pricesFromNow(nowUtcMs: number, hours = 30) {
  const from = alignToSlotStart(nowUtcMs, 15, 'UTC') - 900_000;
  return {
    unit: 'EUR/MWh',
    intervals: Array.from({ length: hours * 4 }, (_, i) => {
      const start = from + i * 900_000;
      const hour = new Date(start).getUTCHours();
      return { start: new Date(start).toISOString(), end: new Date(start + 900_000).toISOString(), value: hour >= 17 && hour < 20 ? 320 : hour < 6 ? 60 : 140 };
    }),
  };
}

/** An API session on `cp-<n>`: plugged in now, leaving in 10 h. */
export function apiSession(n: number, nowUtcMs: number) {
  return {
    id: `api-${String(n).padStart(4, '0')}`,
    chargerId: `cp-${String(n).padStart(4, '0')}`,
    departure: new Date(nowUtcMs + 10 * 3_600_000).toISOString(),
    capacityKwh: 60,
    socPercent: 20 + (n % 5) * 10,
    targetSocPercent: 85,
    v2gConsent: n % 2 === 1,
  };
}

/** Polls `check` until it returns a value other than undefined/false, or throws after `ms`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + hangGuard(ms);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${hangGuard(ms)} ms waiting for ${what}${lastError ? ` (last error: ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A JSON request to the API with the admin token. */
export async function api(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed, headers: res.headers };
}
