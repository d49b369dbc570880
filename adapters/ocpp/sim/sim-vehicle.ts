/**
 * A simulated EV at a simulated charger: battery energy, how much it can charge and discharge, and what it
 * actually draws given the charger's limit or setpoint. Pure state, advanced by `drawW` and `advance`.
 */

export interface SimVehicleSpec {
  readonly id: string;
  /**
   * The id token its driver presents (1.6 StartTransaction idTag, 2.x TransactionEvent idToken), sent as
   * given; default the vehicle id cut to 20 (1.6) or 36 (2.x) characters.
   */
  readonly idTag?: string;
  readonly capacityKwh: number;
  readonly energyKwh: number;
  readonly targetEnergyKwh: number;
  readonly maxChargeKw: number;
  /** 0 = cannot discharge. */
  readonly maxDischargeKw: number;
  readonly departureUtcMs: number;
  /** Minimum energy kept when discharging (kWh). */
  readonly reserveKwh?: number;
}

export class SimVehicle {
  energyKwh: number;

  constructor(readonly spec: SimVehicleSpec) {
    this.energyKwh = spec.energyKwh;
  }

  get socPct(): number {
    return Math.round((this.energyKwh / this.spec.capacityKwh) * 1000) / 10;
  }

  get bidirectional(): boolean {
    return this.spec.maxDischargeKw > 0;
  }

  /**
   * Power actually drawn (W, negative = discharge) for a charger target: a limit is charged up to (the EV
   * takes what it can), a setpoint is followed; a full battery draws nothing, an empty one gives nothing.
   */
  drawW(targetW: number, dischargeAllowed: boolean): number {
    if (targetW >= 0) {
      const room = this.energyKwh < this.spec.capacityKwh - 1e-9;
      return room ? Math.min(targetW, this.spec.maxChargeKw * 1000) : 0;
    }
    if (!dischargeAllowed || this.energyKwh <= (this.spec.reserveKwh ?? 0) + 1e-9) return 0;
    return Math.max(targetW, -this.spec.maxDischargeKw * 1000);
  }

  /** Integrates `powerW` over `ms`, kept within [reserve, capacity]. */
  advance(powerW: number, ms: number): void {
    const next = this.energyKwh + (powerW * ms) / 3_600_000_000;
    this.energyKwh = Math.min(this.spec.capacityKwh, Math.max(Math.min(this.energyKwh, this.spec.reserveKwh ?? 0), next));
  }
}
