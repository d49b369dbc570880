/**
 * A port the service must listen on cannot be taken (another process holds it, or the user may not bind it):
 * `v2g start | api | worker | gateway` stops with one line naming the port, which of the service's ports it is
 * and the setting that changes it, instead of an "unexpected error" with a stack trace.
 *
 * Invariants: `code` is stable (`V2G_ERR_PORT_UNAVAILABLE`), `retryable` is false (the same configuration fails
 * again until the other process lets go); the service has closed what it had started before this is thrown
 * (composition root `listen`), so the process exits with nothing half-running.
 */

/** Which of the service's ports failed: the HTTP API (PORT) or the chargers' OCPP WebSocket (OCPP_PORT). */
export type ServicePort = 'http' | 'ocpp';

const settingOf: Record<ServicePort, { envVar: 'PORT' | 'OCPP_PORT'; what: string }> = {
  http: { envVar: 'PORT', what: 'HTTP API' },
  ocpp: { envVar: 'OCPP_PORT', what: 'OCPP (chargers)' },
};

/** Why Node refused to bind, in words (EADDRINUSE, EACCES, EADDRNOTAVAIL). */
const reasons: Record<string, string> = {
  EADDRINUSE: 'is already in use by another process',
  EACCES: 'may not be opened by this user (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'cannot be opened on this interface (HOST)',
};

/** The service could not listen on one of its ports. */
export class PortUnavailableError extends Error {
  readonly code = 'V2G_ERR_PORT_UNAVAILABLE' as const;
  readonly retryable = false as const;

  constructor(
    readonly port: ServicePort,
    readonly host: string,
    readonly portNumber: number,
    readonly systemCode: string,
    options?: { cause?: unknown },
  ) {
    const { envVar, what } = settingOf[port];
    super(`the ${what} port ${host}:${portNumber} ${reasons[systemCode] ?? `cannot be opened (${systemCode})`}; choose another with ${envVar}=<port> (environment or --config file; 0 = any free port)`, options);
    this.name = 'PortUnavailableError';
  }
}

/** `error` as a PortUnavailableError when it is a bind failure Node reports (else undefined: not ours to word). */
export function asPortUnavailable(error: unknown, port: ServicePort, host: string, portNumber: number): PortUnavailableError | undefined {
  const systemCode = (error as { code?: unknown } | null)?.code;
  if (typeof systemCode !== 'string' || !(systemCode in reasons)) return undefined;
  return new PortUnavailableError(port, host, portNumber, systemCode, { cause: error });
}

/** Runs `listenOn` for `port`; a bind failure comes back as a PortUnavailableError. */
export async function listenOrExplain<T>(port: ServicePort, host: string, portNumber: number, listenOn: () => Promise<T>): Promise<T> {
  try {
    return await listenOn();
  } catch (error) {
    throw asPortUnavailable(error, port, host, portNumber) ?? error;
  }
}
