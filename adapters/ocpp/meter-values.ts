/**
 * Meter readings in version-neutral form (pure). 1.6 sends values as text with `unit`; 2.x as numbers
 * with `unitOfMeasure{unit, multiplier}`; each version's meter-values mapping normalises to
 * `SampledValue` first. Measurand defaults to Energy.Active.Import.Register (both versions).
 */

export interface SampledValue {
  readonly value: number;
  readonly measurand?: string;
  readonly unit?: string;
  /** Power of ten (2.x unitOfMeasure.multiplier); default 0. */
  readonly multiplier?: number;
  readonly phase?: string;
}

export interface MeterReading {
  /** Net active power (kW): import minus export. */
  readonly powerKw?: number;
  readonly energyRegisterWh?: number;
  readonly energyExportRegisterWh?: number;
  readonly socPct?: number;
}

function scaled(s: SampledValue): number {
  return s.value * 10 ** (s.multiplier ?? 0);
}

/** One measurand as a total: the value without phase, else the sum of L1..L3 (line values). */
function total(values: readonly SampledValue[], measurand: string, toBase: (s: SampledValue) => number): number | undefined {
  const of = values.filter((s) => (s.measurand ?? 'Energy.Active.Import.Register') === measurand);
  const whole = of.find((s) => s.phase === undefined);
  if (whole) return toBase(whole);
  const lines = of.filter((s) => s.phase === 'L1' || s.phase === 'L2' || s.phase === 'L3');
  return lines.length > 0 ? lines.reduce((sum, s) => sum + toBase(s), 0) : undefined;
}

const watts = (s: SampledValue) => (s.unit === 'kW' ? scaled(s) * 1000 : scaled(s));
const wattHours = (s: SampledValue) => (s.unit === 'kWh' ? scaled(s) * 1000 : scaled(s));

/** The reading carried by a list of sampled values (fields absent when not reported). */
export function readingOf(values: readonly SampledValue[]): MeterReading {
  const importW = total(values, 'Power.Active.Import', watts);
  const exportW = total(values, 'Power.Active.Export', watts);
  const energyRegisterWh = total(values, 'Energy.Active.Import.Register', wattHours);
  const energyExportRegisterWh = total(values, 'Energy.Active.Export.Register', wattHours);
  const soc = values.find((s) => s.measurand === 'SoC');
  const powerKw = importW === undefined && exportW === undefined ? undefined : ((importW ?? 0) - (exportW ?? 0)) / 1000;
  return {
    ...(powerKw !== undefined ? { powerKw } : {}),
    ...(energyRegisterWh !== undefined ? { energyRegisterWh } : {}),
    ...(energyExportRegisterWh !== undefined ? { energyExportRegisterWh } : {}),
    ...(soc ? { socPct: scaled(soc) } : {}),
  };
}

/** True when a reading carries anything. */
export function hasReading(r: MeterReading): boolean {
  return r.powerKw !== undefined || r.energyRegisterWh !== undefined || r.energyExportRegisterWh !== undefined || r.socPct !== undefined;
}
