/**
 * An arrival forecast for the MPC: the energy the cars not yet seen are expected to need, by local time of
 * day, learnt from sessions that arrived strictly before the replayed period (never from the period itself).
 *
 * The history's sessions are binned by day class (weekday / weekend, local calendar), arrival time of day
 * (`arrivalBinMinutes`) and length of stay (`stayBinMinutes`); each bin keeps the sum of its sessions'
 * demands (kWh into the battery) and of their chargers' limits (kW), divided by the number of days of that
 * class in the history: the expected arrivals of one day. At a decision, every bin whose arrival falls
 * after the current slot and inside the horizon becomes one **phantom vehicle** (an aggregate of the
 * expected cars) in the decision problem: it arrives at the bin's mean arrival, stays the bin's stay, and
 * wants the bin's expected energy at the bin's expected power. The LP then plans the present vehicles
 * knowing that this load will come, which is what the offline reference knows exactly. Phantoms are never
 * applied: only present vehicles get setpoints (policies.ts). See scenarios/MPC.md for the measurements.
 */
import type { Vehicle } from '../optimizer/problem.ts';
import { offsetMs } from '../grid/zone.ts';
import type { ReplayInputs } from './replay-inputs.ts';
import { chargerLimitKw, type ReplaySession } from './replay-session.ts';

const dayMs = 86_400_000;
const minuteMs = 60_000;

/** Prefix of a phantom vehicle's id (never a session id of the replay). */
export const phantomIdPrefix = 'forecast:';

/** One bin of the forecast: the expected arrivals of one day in one arrival window with one length of stay. */
export interface ForecastBin {
  /** 0 = weekday (Mon-Fri), 1 = weekend (Sat, Sun), local calendar. */
  readonly dayClass: 0 | 1;
  /** Mean local arrival time of the bin's sessions (minutes after local midnight). */
  readonly arrivalMinuteOfDay: number;
  /** Mean stay of the bin's sessions (minutes). */
  readonly stayMinutes: number;
  /** Expected energy into the battery per day (kWh). */
  readonly energyKwh: number;
  /** Expected sum of the chargers' limits per day (kW). */
  readonly powerKw: number;
}

/** The forecast (what the history said), with where it came from. */
export interface ArrivalForecast {
  readonly zone: string;
  /** The history: sessions arriving in [fromUtcMs, toUtcMs); `toUtcMs` is at or before the replay's start. */
  readonly fromUtcMs: number;
  readonly toUtcMs: number;
  readonly sessionCount: number;
  readonly bins: readonly ForecastBin[];
  /** Share of the expected energy the phantoms ask for (1 = the expectation). */
  readonly energyShare: number;
}

/** How the forecast is learnt. */
export interface ForecastOptions {
  readonly arrivalBinMinutes: number;
  readonly stayBinMinutes: number;
  /** Share of the expected energy the phantoms ask for (1 = the expectation). */
  readonly energyShare: number;
}

/** Default bins: arrivals by hour, stays by 2 hours, the full expectation. */
export const defaultForecastOptions: ForecastOptions = { arrivalBinMinutes: 60, stayBinMinutes: 120, energyShare: 1 };

const localMs = (utcMs: number, zone: string) => utcMs + offsetMs(utcMs, zone);
/** The class of the local day holding `localClockMs` (a local wall-clock time written as if UTC). */
const dayClassOf = (localClockMs: number): 0 | 1 => {
  const dow = new Date(localClockMs).getUTCDay();
  return dow === 0 || dow === 6 ? 1 : 0;
};

/** Local days of each class in [fromUtcMs, toUtcMs) (whole local days, counted by their local noon). */
function daysPerClass(fromUtcMs: number, toUtcMs: number, zone: string): [number, number] {
  const counts: [number, number] = [0, 0];
  const first = Math.floor(localMs(fromUtcMs, zone) / dayMs) * dayMs;
  for (let day = first; day < localMs(toUtcMs, zone); day += dayMs) {
    const noonUtc = day + dayMs / 2 - offsetMs(day + dayMs / 2, zone);
    if (noonUtc >= fromUtcMs && noonUtc < toUtcMs) counts[dayClassOf(day)]++;
  }
  return counts;
}

/**
 * The forecast from `history` (sessions arriving in [fromUtcMs, toUtcMs), which must end at or before the
 * replay's start: the caller's duty, checked by `loadArrivalHistory`).
 */
export function learnArrivalForecast(history: readonly ReplaySession[], zone: string, fromUtcMs: number, toUtcMs: number, options: ForecastOptions = defaultForecastOptions): ArrivalForecast {
  const days = daysPerClass(fromUtcMs, toUtcMs, zone);
  const bins = new Map<string, { dayClass: 0 | 1; n: number; arrival: number; stay: number; energy: number; power: number }>();
  let sessionCount = 0;
  for (const s of history) {
    if (s.arrivalUtcMs < fromUtcMs || s.arrivalUtcMs >= toUtcMs) continue;
    const local = localMs(s.arrivalUtcMs, zone);
    const dayClass = dayClassOf(local);
    if (days[dayClass] === 0) continue;
    const minuteOfDay = (local - Math.floor(local / dayMs) * dayMs) / minuteMs;
    const stay = (s.departureUtcMs - s.arrivalUtcMs) / minuteMs;
    const key = `${dayClass}/${Math.floor(minuteOfDay / options.arrivalBinMinutes)}/${Math.floor(stay / options.stayBinMinutes)}`;
    const b = bins.get(key) ?? { dayClass, n: 0, arrival: 0, stay: 0, energy: 0, power: 0 };
    b.n++;
    b.arrival += minuteOfDay;
    b.stay += stay;
    b.energy += s.demandKwh;
    b.power += chargerLimitKw(s.charger);
    bins.set(key, b);
    sessionCount++;
  }
  const out: ForecastBin[] = [...bins.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, b]) => ({
      dayClass: b.dayClass,
      arrivalMinuteOfDay: b.arrival / b.n,
      stayMinutes: b.stay / b.n,
      energyKwh: b.energy / days[b.dayClass],
      powerKw: b.power / days[b.dayClass],
    }));
  return { zone, fromUtcMs, toUtcMs, sessionCount, bins: out, energyShare: options.energyShare };
}

/** The forecast of a replay, learnt from its `arrivalHistory` (the days before its period, load-replay-inputs.ts). */
export function forecastFromHistory(inputs: ReplayInputs, options: ForecastOptions = defaultForecastOptions): ArrivalForecast {
  const h = inputs.arrivalHistory;
  return learnArrivalForecast(h.sessions, inputs.site.zone, h.fromUtcMs, Math.min(h.toUtcMs, inputs.periodStartUtcMs), options);
}

/** What a phantom needs from the decision: its grid, and the planner's efficiency. */
export interface PhantomGrid {
  readonly horizonStartUtcMs: number;
  readonly slotMinutes: number;
  readonly slotCount: number;
  readonly chargeEfficiency: number;
}

/**
 * The phantom vehicles of `forecast` for a decision: one per bin and local day whose arrival falls in slot
 * 1 or later of the horizon (the cars of slot 0 are the ones plugged in now) and before its end. Each
 * starts empty, wants the bin's expected energy (x `energyShare`) by the bin's departure (possibly after the
 * horizon) and charges at most the bin's expected power. Sorted by arrival, ids `forecast:<day>:<bin>`.
 */
export function phantomVehicles(forecast: ArrivalForecast, grid: PhantomGrid): Vehicle[] {
  const slotMs = grid.slotMinutes * minuteMs;
  const endUtcMs = grid.horizonStartUtcMs + grid.slotCount * slotMs;
  const out: Vehicle[] = [];
  const firstDay = Math.floor(localMs(grid.horizonStartUtcMs, forecast.zone) / dayMs) * dayMs;
  for (let day = firstDay; day < localMs(endUtcMs, forecast.zone); day += dayMs) {
    const dayClass = dayClassOf(day);
    forecast.bins.forEach((b, i) => {
      if (b.dayClass !== dayClass || b.energyKwh <= 0 || b.powerKw <= 0) return;
      const arrivalLocal = day + b.arrivalMinuteOfDay * minuteMs;
      const arrivalUtc = arrivalLocal - offsetMs(arrivalLocal, forecast.zone);
      const arrivalSlot = Math.ceil((arrivalUtc - grid.horizonStartUtcMs) / slotMs);
      const departureSlot = Math.floor((arrivalUtc + b.stayMinutes * minuteMs - grid.horizonStartUtcMs) / slotMs);
      if (arrivalSlot < 1 || arrivalSlot >= grid.slotCount || departureSlot <= arrivalSlot) return;
      const energyKwh = b.energyKwh * forecast.energyShare;
      out.push({
        id: `${phantomIdPrefix}${day / dayMs}:${i}`,
        chargerId: `${phantomIdPrefix}${i}`,
        arrivalSlot,
        departureSlot,
        energyKwh: 0,
        capacityKwh: Math.max(energyKwh, 1e-3),
        targetEnergyKwh: energyKwh,
        maxChargeKw: b.powerKw,
        chargeEfficiency: grid.chargeEfficiency,
      });
    });
  }
  return out.sort((a, b) => a.arrivalSlot - b.arrivalSlot || (a.id < b.id ? -1 : 1));
}
