/**
 * Test kit for the OCPP adapter: a server on 127.0.0.1:0 with an in-memory port and a manual clock,
 * simulated chargers, polling, and cleanup of everything opened (call `closeAll` in afterEach).
 */
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { ManualClock } from '../../../adapters/clock.ts';
import { MemoryCsmsPort, type MemoryCsmsPortOptions } from '../../../adapters/ocpp/memory-csms-port.ts';
import type { OcppVersion } from '../../../adapters/ocpp/protocol.ts';
import { startOcppServer, type OcppServer, type OcppServerOptions } from '../../../adapters/ocpp/server.ts';
import { SimCharger, type SimChargerOptions } from '../../../adapters/ocpp/sim/sim-charger.ts';
import type { SimVehicleSpec } from '../../../adapters/ocpp/sim/sim-vehicle.ts';
import type { ChargerSettings } from '../../../adapters/ocpp/capabilities.ts';
import { hangGuard, hangGuardFloorMs } from '../../hang-guard.ts';

/** 2025-01-06 08:00 UTC, a Monday; slot boundaries every 15 minutes from here. */
export const T0 = Date.parse('2025-01-06T08:00:00Z');
export const SLOT_MS = 900_000;

export const silentLogger = pino({ level: 'silent' });

const closers: (() => Promise<unknown>)[] = [];

/** Registers something for `closeAll`. */
export function onCleanup(close: () => Promise<unknown>): void {
  closers.push(close);
}

/** Closes every server and charger opened through this kit (newest first). */
export async function closeAll(): Promise<void> {
  while (closers.length > 0) {
    const close = closers.pop()!;
    await close().catch(() => undefined);
  }
}

export interface TestServer {
  readonly server: OcppServer;
  readonly port: MemoryCsmsPort;
  readonly clock: ManualClock;
  readonly registry: Registry;
}

export interface TestServerOptions extends Partial<Omit<OcppServerOptions, 'csms' | 'logger' | 'port'>> {
  readonly chargers?: Record<string, { password?: string; settings?: Partial<ChargerSettings> }>;
  readonly portOptions?: MemoryCsmsPortOptions;
  /** A port to use instead of a fresh MemoryCsmsPort (e.g. a failing subclass). */
  readonly port?: MemoryCsmsPort;
  /** TCP port to listen on (default 0: a free one); a restarted server takes its predecessor's. */
  readonly listenPort?: number;
}

/**
 * Call timeouts (server -> charger and charger -> server) of kit servers and chargers unless a test sets its own.
 * A call that a test does not expect to time out must not time out because the machine is slow: on a loaded
 * machine the first message of a version (its schema validators compile then) took over 2 s, and a 2 s timeout
 * failed delivery-report.test.ts with "Call timeout". Tests of timeouts set a short one and a charger that never
 * answers (faults.test.ts), so the timeout happens whatever the machine's speed.
 */
export const kitCallTimeoutMs = hangGuardFloorMs;

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const clock = options.clock instanceof ManualClock ? options.clock : new ManualClock(T0);
  const port = options.port ?? new MemoryCsmsPort({ hashCost: 1024, ...options.portOptions });
  for (const [id, init] of Object.entries(options.chargers ?? {})) await port.addCharger(id, init);
  const registry = options.registry ?? new Registry();
  const { chargers: _c, portOptions: _p, port: _port, listenPort, ...rest } = options;
  const server = await startOcppServer({ host: '127.0.0.1', port: listenPort ?? 0, csms: port, logger: silentLogger, callTimeoutMs: kitCallTimeoutMs, ...rest, clock, registry });
  closers.push(() => server.close());
  return { server, port, clock, registry };
}

export function startCharger(options: Omit<SimChargerOptions, 'url'> & { url?: string }, server: OcppServer, clock: ManualClock): SimCharger {
  const charger = new SimCharger({ url: server.url, clock, reconnect: false, callTimeoutMs: kitCallTimeoutMs, ...options });
  closers.push(() => charger.close());
  return charger;
}

/** Polls until `check` returns a truthy value (or throws the last error after `timeoutMs`). */
export async function waitFor<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const until = Date.now() + hangGuard(timeoutMs);
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > until) throw lastError instanceof Error ? lastError : new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A vehicle with overrides (CitrineOS-style builder). */
export function aVehicle(override: Partial<SimVehicleSpec> = {}): SimVehicleSpec {
  return {
    id: 'EV-1', capacityKwh: 60, energyKwh: 20, targetEnergyKwh: 50, maxChargeKw: 11, maxDischargeKw: 0,
    departureUtcMs: T0 + 8 * 3_600_000, reserveKwh: 10, ...override,
  };
}

/** A booted, discovered, ready charger with a vehicle plugged in (transaction running). */
export async function readyChargerWithSession(t: TestServer, id: string, version: OcppVersion, options: Partial<SimChargerOptions> = {}, vehicle = aVehicle()): Promise<SimCharger> {
  const charger = startCharger({ id, version, ...options }, t.server, t.clock);
  await charger.start();
  await waitFor(() => t.server.chargerPhase(id) === 'ready', 5_000, `${id} ready`);
  await charger.plugIn(vehicle);
  await waitFor(() => t.port.eventsOf('sessionStarted').some((e) => e.chargerId === id), 5_000, `${id} session`);
  return charger;
}
