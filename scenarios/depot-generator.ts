/**
 * A realistic random depot `Problem`, deterministic for a seed: the default demo, unit tests and the
 * solver benchmark use it, so nothing there needs the real data directory.
 *
 * Shape (after ../shared/notes/solvers.md, "Setup"): 15-minute slots from 06:00 local; a daily price
 * curve (night valley ~0.07, morning peak ~0.26, evening peak 0.35-0.40 per kWh, clipped to [0.05, 0.40])
 * with export paid at 0.8 x price - 0.01; base load 1-2.5 kW per vehicle with a day shape, and PV around
 * noon; batteries 40-100 kWh; chargers 7.4 kW (32 A, 1 phase), 11 kW (16 A, 3 phases), 22 kW (32 A,
 * 3 phases), all with a 6 A minimum, or 50 kW DC; 70 % V2G-capable; arrivals 55 % in the morning (06-10)
 * and 45 % in the evening (16-21), dwell 4-14 h (may run past the horizon); a site import limit of 3.5 kW
 * per vehicle above most of the base load, which binds when many vehicles charge at once, export up to 4 kW per vehicle, a demand charge of 0.40 per kW.
 */
import type { Problem, Vehicle } from '../optimizer/problem.ts';
import { seededRandom } from './seeded-random.ts';

export interface DepotOptions {
  readonly vehicles: number;
  /** Default 96 (one day of 15-minute slots). */
  readonly slots?: number;
  /** Default 1. */
  readonly seed?: number;
  /** Give AC chargers their 6 A minimum current (a MILP). Default true. */
  readonly minimumCurrent?: boolean;
  /** Site import limit and demand charge on. Default true. */
  readonly siteLimit?: boolean;
}

const round = (x: number, digits = 4) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Price per kWh at a local hour of day (0-24), before noise. */
function priceShape(hour: number): number {
  const h = ((hour % 24) + 24) % 24;
  const bump = (center: number, width: number) => Math.exp(-(((h - center) / width) ** 2));
  return 0.07 + 0.19 * bump(8, 1.5) + 0.1 * bump(13, 3) + 0.31 * bump(19, 1.8);
}

interface ChargerType {
  readonly kind: string;
  readonly make: (random: () => number) => Pick<Vehicle, 'acLimit' | 'maxChargeKw'>;
}

const chargerTypes: readonly ChargerType[] = [
  { kind: 'ac7', make: () => ({ acLimit: { maxCurrentA: 32, minCurrentA: 6, phases: 1, voltageV: 230 } }) },
  { kind: 'ac11', make: () => ({ acLimit: { maxCurrentA: 16, minCurrentA: 6, phases: 3, voltageV: 230 } }) },
  { kind: 'ac22', make: () => ({ acLimit: { maxCurrentA: 32, minCurrentA: 6, phases: 3, voltageV: 230 } }) },
  { kind: 'dc50', make: () => ({ maxChargeKw: 50 }) },
];

export function generateDepot(options: DepotOptions): Problem {
  const n = options.vehicles;
  const slotCount = options.slots ?? 96;
  const random = seededRandom(options.seed ?? 1);
  const slotHours = 0.25;
  const startHour = 6;
  const slotsPerHour = 1 / slotHours;
  const minimumCurrent = options.minimumCurrent ?? true;
  const siteLimit = options.siteLimit ?? true;

  const importPricePerKwh: number[] = [];
  const exportPricePerKwh: number[] = [];
  const baseLoadKw: number[] = [];
  const pvKw: number[] = [];
  const baseScale = n * (1 + 1.5 * random());
  for (let t = 0; t < slotCount; t++) {
    const hour = startHour + t * slotHours;
    const price = Math.min(0.4, Math.max(0.05, priceShape(hour) + 0.02 * (random() - 0.5)));
    importPricePerKwh.push(round(price));
    exportPricePerKwh.push(round(0.8 * price - 0.01));
    const h = hour % 24;
    const dayShape = 0.6 + 0.4 * Math.exp(-(((h - 14) / 5) ** 2));
    baseLoadKw.push(round(baseScale * dayShape * (0.9 + 0.2 * random()), 3));
    const sun = h > 6 && h < 20 ? Math.sin((Math.PI * (h - 6)) / 14) : 0;
    pvKw.push(round(0.8 * n * sun * (0.8 + 0.2 * random()), 3));
  }

  const vehicles: Vehicle[] = [];
  for (let i = 0; i < n; i++) {
    const morning = random() < 0.55;
    const arrivalHour = morning ? 6 + 4 * random() : 16 + 5 * random();
    const dwellHours = 4 + 10 * random();
    const arrivalSlot = Math.min(slotCount - 1, Math.floor((arrivalHour - startHour) * slotsPerHour));
    const departureSlot = arrivalSlot + Math.max(1, Math.round(dwellHours * slotsPerHour));
    const capacityKwh = round(40 + 60 * random(), 1);
    const charger = chargerTypes[Math.floor(random() * chargerTypes.length)]!;
    const limits = charger.make(random);
    if (!minimumCurrent && limits.acLimit) limits.acLimit = { ...limits.acLimit, minCurrentA: 0 };
    const v2g = random() < 0.7;
    const chargeKw = (limits.maxChargeKw as number | undefined) ?? (limits.acLimit!.maxCurrentA * limits.acLimit!.voltageV * limits.acLimit!.phases) / 1000;
    const socArrival = 0.15 + 0.45 * random();
    const socTarget = Math.max(socArrival, 0.7 + 0.2 * random());
    vehicles.push({
      id: `ev-${String(i + 1).padStart(4, '0')}`,
      chargerId: `${charger.kind}-${String(i + 1).padStart(4, '0')}`,
      arrivalSlot,
      departureSlot,
      energyKwh: round(capacityKwh * socArrival, 2),
      capacityKwh,
      minEnergyKwh: round(capacityKwh * 0.1, 2),
      targetEnergyKwh: round(capacityKwh * socTarget, 2),
      ...limits,
      ...(v2g ? { maxDischargeKw: round(Math.min(chargeKw, 11), 2), v2gAllowed: true } : {}),
      chargeEfficiency: 0.95,
      dischargeEfficiency: 0.95,
      degradationCostPerKwh: 0.03,
    });
  }

  return {
    name: `generated depot: ${n} vehicles, ${slotCount} slots, seed ${options.seed ?? 1}`,
    currency: 'EUR',
    slotCount,
    slotHours,
    importPricePerKwh,
    exportPricePerKwh,
    ...(siteLimit
      ? {
          importLimitKw: new Array<number>(slotCount).fill(round(0.8 * baseScale + 3.5 * n, 1)),
          demandCharge: { pricePerKw: 0.4, previousPeakKw: 0 },
        }
      : {}),
    exportLimitKw: new Array<number>(slotCount).fill(4 * n),
    baseLoadKw,
    pvKw,
    shortfallPenaltyPerKwh: 10,
    vehicles,
  };
}
