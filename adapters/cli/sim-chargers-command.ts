/**
 * `v2g sim-chargers`: simulated OCPP chargers against a CSMS (ours or any other). Each charger boots,
 * starts a session with an arriving vehicle, obeys the charging profiles it receives (rejecting what real
 * chargers reject), draws power that follows its limit and reports it in meter values. It logs every
 * message it receives with the answer it gave, e.g.
 *   SIM-0001 <- SetChargingProfile TxProfile #91001 connector 1 stack 8 tx 17 W 3 periods [...] -> Accepted
 */
import { readFile } from 'node:fs/promises';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isOcppVersion, type OcppVersion } from '../ocpp/protocol.ts';
import type { SimStationConfig } from '../ocpp/sim/sim-profile-store.ts';

interface SimChargersOptions {
  url: string;
  count: number;
  protocol: OcppVersion;
  duration?: number;
  idPrefix: string;
  password?: string;
  ca?: string;
  insecure?: boolean;
  meterInterval: number;
  arrivalSpread: number;
  rateUnits: ('W' | 'A')[];
  maxPeriods: number;
  maxStackLevel: number;
  smartCharging: boolean;
  negativeLimit?: boolean;
  v2x?: boolean;
  seed: number;
  quiet?: boolean;
}

function count(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}

function seconds(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${name} must be a number >= ${min}, got "${value}"`);
    return n;
  };
}

function protocol(value: string): OcppVersion {
  if (!isOcppVersion(value)) throw new InvalidArgumentError(`--protocol must be 1.6, 2.0.1 or 2.1, got "${value}"`);
  return value;
}

function rateUnits(value: string): ('W' | 'A')[] {
  const units = value.split(',').map((u) => u.trim().toUpperCase());
  if (units.length === 0 || units.some((u) => u !== 'W' && u !== 'A')) throw new InvalidArgumentError(`--rate-units must be W, A or W,A, got "${value}"`);
  return units as ('W' | 'A')[];
}

function url(value: string): string {
  if (!/^wss?:\/\/[^/]+/.test(value)) throw new InvalidArgumentError(`--url must be ws://HOST:PORT/PATH or wss://..., got "${value}"`);
  return value.replace(/\/+$/, '');
}

/** Runs until `durationS` elapses, the process gets SIGINT/SIGTERM, or the embedding caller's `stop` aborts. */
function waitForEnd(durationS: number | undefined, stop: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve) => {
    const done = (why: string) => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      stop?.removeEventListener('abort', onStop);
      if (timer) clearTimeout(timer);
      resolve(why);
    };
    const onSignal = (signal: NodeJS.Signals) => done(signal);
    const onStop = () => done('stopped by the caller');
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const timer = durationS !== undefined ? setTimeout(() => done(`${durationS} s elapsed`), durationS * 1000) : undefined;
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
  });
}

export function registerSimChargersCommand(program: Command, out: (line: string) => void, stop?: AbortSignal): void {
  program
    .command('sim-chargers')
    .description('simulated OCPP chargers (1.6J, 2.0.1, 2.1) that connect to a CSMS, start sessions, obey charging profiles and log every message they receive')
    .requiredOption('--url <url>', 'CSMS endpoint without the charger id, e.g. ws://127.0.0.1:9220/ocpp', url)
    .option('--count <n>', 'number of chargers', count('--count', 1), 1)
    .option('--protocol <version>', 'OCPP version: 1.6 | 2.0.1 | 2.1', protocol, '1.6' as OcppVersion)
    .option('--duration <seconds>', 'run this long, then end the sessions and disconnect (default: until Ctrl-C)', seconds('--duration', 0))
    .option('--id-prefix <prefix>', 'charger ids are <prefix>-0001, <prefix>-0002, ... (the demo depot of `v2g start` lists SIM-0001..SIM-0050)', 'SIM')
    .option('--password <secret>', 'HTTP Basic password of every charger (OCPP security profiles 1 and 2; set it with PUT /v1/chargers/<id>/credentials)')
    .option('--ca <file>', 'CA certificate (PEM) to trust for wss:// (security profile 2), e.g. the server certificate when it is self-signed')
    .option('--insecure', 'wss:// without checking the server certificate (self-signed test setups only)')
    .option('--meter-interval <seconds>', 'seconds between meter values', seconds('--meter-interval', 0.05), 10)
    .option('--arrival-spread <seconds>', 'vehicles arrive within this many seconds after boot', seconds('--arrival-spread', 0), 0)
    .addOption(new Option('--rate-units <units>', 'charging rate units the chargers accept: W,A | W | A').argParser(rateUnits).default(['W', 'A'], 'W,A'))
    .option('--max-periods <n>', 'ChargingScheduleMaxPeriods / PeriodsPerSchedule', count('--max-periods', 1), 48)
    .option('--max-stack-level <n>', 'ChargeProfileMaxStackLevel / ProfileStackLevel', count('--max-stack-level', 0), 8)
    .option('--no-smart-charging', 'chargers without smart charging (1.6 answers NotSupported)')
    .option('--negative-limit', '1.6 / 2.0.1: accept a negative limit as a discharge setpoint')
    .option('--v2x', '2.1: V2XChargingCtrlr enabled, CentralSetpoint discharge')
    .option('--seed <n>', 'seed of the vehicle generator', count('--seed', 0), 1)
    .option('--quiet', 'print only the summary')
    .action(async (opts: SimChargersOptions, command: Command) => {
      const ca = opts.ca !== undefined ? await readFile(opts.ca, 'utf8') : undefined;
      const config: Partial<SimStationConfig> = {
        rateUnits: opts.rateUnits, maxPeriods: opts.maxPeriods, maxStackLevel: opts.maxStackLevel, smartCharging: opts.smartCharging,
        negativeLimitDischarge: opts.negativeLimit ?? false, v2x: opts.v2x ?? false,
      };
      const { SimFleet } = await import('../ocpp/sim/sim-fleet.ts');
      const fleet = new SimFleet({
        url: opts.url, count: opts.count, version: opts.protocol, idPrefix: opts.idPrefix, config, seed: opts.seed,
        meterIntervalMs: Math.round(opts.meterInterval * 1000), arrivalSpreadMs: Math.round(opts.arrivalSpread * 1000),
        ...(opts.password !== undefined ? { password: opts.password } : {}),
        ...(ca !== undefined ? { ca } : {}),
        ...(opts.insecure ? { insecure: true } : {}),
        ...(opts.quiet ? {} : { log: out }),
      });
      out(`sim-chargers: ${opts.count} x OCPP ${opts.protocol} -> ${opts.url}/${opts.idPrefix}-NNNN`);
      try {
        try {
          await fleet.start();
        } catch (error) {
          const e = error as { message?: string; code?: string | number };
          command.error(`v2g: sim-chargers cannot connect to ${opts.url}: ${e.message || e.code || String(error)}`, { exitCode: 2, code: 'commander.simChargersConnect' });
        }
        out(`sim-chargers: ${opts.count} charger(s) booted`);
        const why = await waitForEnd(opts.duration, stop);
        out(`sim-chargers: stopping (${why})`);
      } finally {
        await fleet.stop();
      }
      const summary = Object.entries(fleet.summary()).sort(([a], [b]) => a.localeCompare(b));
      out(`sim-chargers: received ${summary.map(([k, n]) => `${k}: ${n}`).join(', ') || 'nothing'}`);
    });
}
