/**
 * The OCPP gateway role: the OCPP server (adapters/ocpp) on HOST:OCPP_PORT with the store-backed port
 * (ocpp-bridge.ts), and the plans of the chargers it holds (gateway-plans.ts). Any number of gateways can
 * run against one Redis: each charger is connected to one of them, and each gateway applies an announced
 * plan only to the chargers connected to it.
 *
 * Security (OCPP_SECURITY_PROFILE, OCPP_TLS_CERT_FILE / OCPP_TLS_KEY_FILE, OCPP_AUTO_REGISTER): profile 0
 * admits the charge points a site lists; 1 and 2 admit those with a password in the charger credentials
 * (`ctx.chargerCredentials`: memory when embedded, Redis in distributed mode), 2 over TLS. The PEM files
 * are read when the port is bound (the configuration checked them at boot).
 *
 * Lifecycle: `createGateway` (nothing listens) -> `planReady` subscribed by the composition root ->
 * `listen()` (the OCPP port is bound; chargers connect) -> `close()` (chargers are disconnected and
 * reconnect elsewhere; nothing is lost: the plan is in the store and is applied again on connect).
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config.ts';
import { startOcppServer, type OcppServer } from '../ocpp/server.ts';
import type { ServiceContext } from './context.ts';
import { ChargerDirectory } from './charger-directory.ts';
import { CredentialRevocation } from './credential-revocation.ts';
import { GatewayBeat } from './gateway-liveness.ts';
import { GatewayPlans } from './gateway-plans.ts';
import { OcppBridge } from './ocpp-bridge.ts';
import { ocppSessionId } from './ocpp-sessions.ts';
import type { PlanReady } from './plan-bus.ts';
import { SitePlanCache } from './site-plan-cache.ts';

export interface Gateway {
  readonly bridge: OcppBridge;
  readonly plans: GatewayPlans;
  /** The OCPP server, between `listen()` and `close()`. */
  readonly server: OcppServer | undefined;
  /** For the plan bus. */
  planReady(event: PlanReady): Promise<void>;
  /** Binds HOST:OCPP_PORT; resolves with the server (its `url` is what chargers dial, plus `/<id>`). */
  listen(): Promise<OcppServer>;
  close(): Promise<void>;
}

/** The OCPP endpoint's certificate and key (PEM) when configured. */
function ocppTls(config: ServiceConfig): { cert: string; key: string } | undefined {
  if (config.ocppTlsCertFile === undefined || config.ocppTlsKeyFile === undefined) return undefined;
  return { cert: readFileSync(config.ocppTlsCertFile, 'utf8'), key: readFileSync(config.ocppTlsKeyFile, 'utf8') };
}

export function createGateway(ctx: ServiceContext, logger: Logger): Gateway {
  const log = logger.child({ module: 'ocpp-gateway' });
  const directory = new ChargerDirectory({
    store: ctx.store,
    clock: ctx.clock,
    onConflict: (chargePointId, siteIds) => log.warn({ chargerId: chargePointId, siteIds }, 'a charge point is listed by several sites: the first one gets it'),
  });
  // A site written anywhere (this process or, over Redis, another) changes which charge points are known: the next
  // handshake must not wait for the index's age or its miss-rebuild pause (1 s) to admit a newly listed one.
  const stopWatchingSites = ctx.changes.subscribe((change) => {
    if (change.kind === 'site' || change.kind === 'resync') directory.invalidate();
  });
  const cache = new SitePlanCache(ctx.store);
  const plans = new GatewayPlans({ plans: cache, directory, log });
  const onFailure = (what: string) => (err: unknown) => log.warn({ err }, what);
  let server: OcppServer | undefined;
  const revocation =
    ctx.config.ocppSecurityProfile >= 1
      ? new CredentialRevocation({
          credentials: ctx.chargerCredentials,
          timers: ctx.timers,
          intervalMs: ctx.config.ocppCredentialCheckMs,
          disconnect: async (id, reason) => (server ? server.disconnect(id, reason) : false),
          log,
        })
      : undefined;
  const gatewayName = `${hostname()}:${process.pid}`;
  const beat = new GatewayBeat({
    board: ctx.chargerStatus,
    gateway: gatewayName,
    clock: ctx.clock,
    timers: ctx.timers,
    intervalMs: ctx.config.ocppGatewayBeatMs,
    onError: (err) => log.warn({ err }, 'gateway beat not recorded on the charger status board'),
  });
  const bridge = new OcppBridge({
    store: ctx.store,
    queue: ctx.queue,
    config: ctx.config,
    clock: ctx.clock,
    directory,
    plans: cache,
    log,
    credentials: ctx.chargerCredentials,
    status: ctx.chargerStatus,
    meterLog: ctx.meterLog,
    gatewayName,
    onChargerOnline: (chargePointId) => {
      revocation?.connected(chargePointId, ctx.clock.nowUtcMs());
      void plans.chargerOnline(chargePointId).catch(onFailure('applying the current plan to a charger that came online failed'));
    },
    onChargerOffline: (chargePointId) => revocation?.disconnected(chargePointId),
  });
  return {
    bridge,
    plans,
    get server() {
      return server;
    },
    planReady: (event) => plans.planReady(event),
    async listen() {
      if (server) return server;
      const tls = ocppTls(ctx.config);
      server = await startOcppServer({
        host: ctx.config.host, port: ctx.config.ocppPort, csms: bridge, logger: log, clock: ctx.clock, registry: ctx.metrics.registry,
        sessionIdOf: ocppSessionId, securityProfile: ctx.config.ocppSecurityProfile, autoRegister: ctx.config.ocppAutoRegister, maxMessageBytes: ctx.config.ocppMaxMessageBytes,
        ...(tls ? { tls } : {}),
        authThrottle: ctx.authThrottle,
      });
      log.info({ url: server.url, securityProfile: ctx.config.ocppSecurityProfile, autoRegister: ctx.config.ocppAutoRegister }, 'OCPP endpoint listening');
      beat.start();
      plans.attach(server);
      return server;
    },
    async close() {
      stopWatchingSites();
      beat.stop();
      revocation?.stop();
      plans.attach(undefined);
      await server?.close();
      server = undefined;
    },
  };
}
