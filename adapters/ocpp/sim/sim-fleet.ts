/**
 * A fleet of simulated chargers against one CSMS: `count` chargers `<prefix>-0001`.., each with one EVSE;
 * a vehicle arrives at each (within `arrivalSpreadMs` after boot), charges by whatever profile it gets,
 * reports meter values every `meterIntervalMs`, and leaves when the fleet stops. Vehicles are drawn from
 * a seeded generator, so a run is repeatable.
 */
import { systemClock, type Clock } from '../clock.ts';
import type { OcppVersion } from '../protocol.ts';
import { SimCharger, type ReceivedCall } from './sim-charger.ts';
import type { SimStationConfig } from './sim-profile-store.ts';
import type { SimVehicleSpec } from './sim-vehicle.ts';
import { seededRandom } from '../../../scenarios/seeded-random.ts';

export interface SimFleetOptions {
  readonly url: string;
  readonly count: number;
  readonly version: OcppVersion;
  readonly idPrefix?: string;
  readonly password?: string;
  readonly ca?: string | Buffer;
  /** wss:// without checking the server certificate (self-signed test setups only). */
  readonly insecure?: boolean;
  readonly config?: Partial<SimStationConfig>;
  readonly clock?: Clock;
  readonly log?: (line: string) => void;
  /** Meter values period (ms); default 10 000; 0 = none. */
  readonly meterIntervalMs?: number;
  /** Vehicles arrive uniformly within this many ms after boot; default 0 (at once). */
  readonly arrivalSpreadMs?: number;
  /** Chargers connecting at the same time; default 50. */
  readonly connectConcurrency?: number;
  readonly seed?: number;
  /** Plug in vehicles at all; default true. */
  readonly vehicles?: boolean;
}

/** A plausible EV: 40-80 kWh, 20-60 % now, wants 80-90 %, 11 kW AC, half of them bidirectional. */
export function randomVehicle(id: string, nowUtcMs: number, random: () => number): SimVehicleSpec {
  const capacityKwh = Math.round(40 + 40 * random());
  return {
    id,
    capacityKwh,
    energyKwh: Math.round(capacityKwh * (0.2 + 0.4 * random()) * 10) / 10,
    targetEnergyKwh: Math.round(capacityKwh * (0.8 + 0.1 * random()) * 10) / 10,
    maxChargeKw: 11,
    maxDischargeKw: random() < 0.5 ? 11 : 0,
    departureUtcMs: nowUtcMs + Math.round((4 + 6 * random()) * 3_600_000),
    reserveKwh: capacityKwh * 0.2,
  };
}

export class SimFleet {
  readonly chargers: SimCharger[] = [];
  private readonly timers: ReturnType<typeof setTimeout>[] = [];
  private readonly random: () => number;
  private readonly clock: Clock;

  constructor(private readonly options: SimFleetOptions) {
    this.random = seededRandom(options.seed ?? 1);
    this.clock = options.clock ?? systemClock;
    const prefix = options.idPrefix ?? 'SIM';
    for (let i = 1; i <= options.count; i++) {
      this.chargers.push(new SimCharger({
        url: options.url, id: `${prefix}-${String(i).padStart(4, '0')}`, version: options.version, clock: this.clock,
        ...(options.password !== undefined ? { password: options.password } : {}),
        ...(options.ca !== undefined ? { ca: options.ca } : {}),
        ...(options.insecure ? { insecure: true } : {}),
        ...(options.config ? { config: options.config } : {}),
        ...(options.log ? { log: options.log } : {}),
      }));
    }
  }

  /** Every received call of every charger goes here too. */
  onReceive(listener: (charger: SimCharger, call: ReceivedCall) => void): void {
    for (const c of this.chargers) c.onReceive = (call) => listener(c, call);
  }

  /** Connects and boots every charger (bounded concurrency), then schedules arrivals. */
  async start(): Promise<void> {
    const queue = [...this.chargers];
    const workers = Array.from({ length: Math.min(this.options.connectConcurrency ?? 50, queue.length) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) await c.start();
    });
    await Promise.all(workers);
    const meterMs = this.options.meterIntervalMs ?? 10_000;
    for (const c of this.chargers) {
      if (meterMs > 0) c.startMeterLoop(meterMs);
      if (this.options.vehicles === false) continue;
      const vehicle = randomVehicle(`EV-${c.id}`, this.clock.nowUtcMs(), this.random);
      const delay = Math.round((this.options.arrivalSpreadMs ?? 0) * this.random());
      this.timers.push(setTimeout(() => void c.plugIn(vehicle).catch((e: Error) => this.options.log?.(`${c.id} plug-in failed: ${e.message}`)), delay));
    }
  }

  /** Plugs in now every charger that has no vehicle yet; resolves when all transactions are started. */
  async plugInAll(): Promise<void> {
    for (const t of this.timers.splice(0)) clearTimeout(t);
    await Promise.all(this.chargers.filter((c) => !c.evse(1).vehicle).map((c) => c.plugIn(randomVehicle(`EV-${c.id}`, this.clock.nowUtcMs(), this.random))));
  }

  /** Vehicles leave (transactions stop) and every charger disconnects. */
  async stop(): Promise<void> {
    for (const t of this.timers.splice(0)) clearTimeout(t);
    await Promise.all(this.chargers.map(async (c) => {
      c.stopMeterLoop();
      try {
        if (c.evse(1).transactionId !== undefined && c.state === 1) await c.unplug(1);
      } catch {
        // the CSMS may already be gone
      }
      await c.close();
    }));
  }

  /** Received calls by action and answer, e.g. { 'SetChargingProfile Accepted': 12 }. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of this.chargers) {
      for (const r of c.received) {
        const key = `${r.action} ${typeof r.reply['status'] === 'string' ? r.reply['status'] : 'ok'}`;
        out[key] = (out[key] ?? 0) + 1;
      }
    }
    return out;
  }
}
