/**
 * The OCPP endpoint (CSMS side): chargers connect to `ws(s)://HOST:PORT/ocpp/<chargePointId>` and speak
 * OCPP 1.6J, 2.0.1 or 2.1 (subprotocol negotiation, newest preferred), strictly validated both ways
 * against the official OCA schemas (ocpp-rpc strict mode, with the 2.1 schema ids remapped).
 *
 * `startOcppServer` is what the service's composition root calls; `applyPlan` is how plans reach the
 * chargers. See README.md for the wiring.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { RPCServer } from './ocpp-rpc.ts';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { backoffIssues, defaultBackoff, type BackoffPolicy } from './backoff.ts';
import { defaultChargerSettings, type ChargerCapabilities, type RateUnit } from './capabilities.ts';
import { ChargerConnection, type RpcServerClientLike } from './charger-connection.ts';
import { assertChargerPlanSet, type ChargerPlanSet, type EvseSchedule } from './charger-plan.ts';
import { defaultSessionIdOf, evseOf, forgetTransactions, ownSchedule, resetAttempts, type ChargerRecord, type EvseRecord, type SessionIdOf } from './charger-record.ts';
import { deliveryStatuses, type ChargerPhase, type DeliveryStatus } from './charger-state.ts';
import { systemClock, type Clock } from './clock.ts';
import type { CsmsPort, PlanDeliveryReport } from './csms-port.ts';
import { OcppError } from './errors.ts';
import { deliveryReport } from './delivery-report.ts';
import { decideHandshake, type SecurityProfile } from './handshake-auth.ts';
import { endBeforeDestroy } from './refusal-flush.ts';
import type { AuthThrottle, ThrottleKey } from '../auth-throttle/auth-throttle.ts';
import { mappings } from './mappings.ts';
import { createOcppMetrics, type OcppMetrics } from './metrics.ts';
import { ChargerDelivery } from './profile-delivery.ts';
import { ocppVersions, subprotocolsByPreference, versionOf, type OcppVersion } from './protocol.ts';
import { strictValidators } from './schema-validators.ts';
import type { ClearCriteria, ClearStatus, ReportedComposite } from './version-mapping.ts';

export interface OcppServerOptions {
  /** Interface to listen on; default 0.0.0.0. */
  readonly host?: string;
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
  /** The service behind the adapter. */
  readonly csms: CsmsPort;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Where metrics go; default a fresh Registry (never the global default one). */
  readonly registry?: Registry;
  /** URL path before the charge point id; default `/ocpp`. */
  readonly path?: string;
  /** 0: no auth; 1: HTTP Basic; 2: HTTP Basic over TLS (needs `tls`). Default 0. */
  readonly securityProfile?: SecurityProfile;
  /** Server certificate and key (PEM): the endpoint becomes wss://. Required for security profile 2. */
  readonly tls?: { readonly cert: string | Buffer; readonly key: string | Buffer };
  /** Accept and register unknown chargers; default false. */
  readonly autoRegister?: boolean;
  /** OCPP versions offered; default all three. */
  readonly versions?: readonly OcppVersion[];
  /** Largest WebSocket message accepted (bytes); default 65 536. Larger ones close the connection (1009). */
  readonly maxMessageBytes?: number;
  /** How long to wait for a charger's answer (ms); default 30 000. */
  readonly callTimeoutMs?: number;
  /** How long a reconnected known charger may take to send BootNotification before the re-sync (ms); default 2 000. */
  readonly bootGraceMs?: number;
  /** WebSocket ping interval (ms); default 60 000. */
  readonly pingIntervalMs?: number;
  /** Heartbeat interval told to chargers at boot (s); default 300. */
  readonly heartbeatIntervalS?: number;
  /**
   * Refusals in a row (Rejected, NotSupported; across plans and transactions) after which an EVSE is
   * `unmanaged` and nothing more is sent until the charger boots again; CALLERROR NotImplemented and a
   * charger reporting no smart charging are unmanaged at once. Default 3.
   */
  readonly unmanagedAfter?: number;
  /** Retry policy for refused or failed profiles. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** A profile cut to the charger's maximum number of periods is refreshed at the latest this long before it ends (ms); default 2 h. */
  readonly refreshAheadMs?: number;
  /** Jitter source, [0, 1); default Math.random. */
  readonly random?: () => number;
  /**
   * How plans name the session of a transaction (`EvseSchedule.sessionId`); default
   * `<chargerId>/<evseId>/<transactionId>` (`defaultSessionIdOf`).
   */
  readonly sessionIdOf?: SessionIdOf;
  /** 1.6 transaction ids (the CSMS assigns them); default a counter seeded from the clock. */
  readonly allocateTransactionId?: () => number;
  /**
   * Throttles failed password checks per charger id and per source address (adapters/auth-throttle);
   * a blocked one is refused (429) before its password is checked. Default none.
   */
  readonly authThrottle?: AuthThrottle;
}

export interface ApplyPlanResult {
  /** Chargers whose desired state changed. */
  readonly chargers: number;
  readonly evses: number;
  /** Chargers in the plan that are not connected (delivered when they connect). */
  readonly offline: readonly string[];
}

export interface OcppServer {
  /** `ws://host:port/ocpp` (or wss://); chargers append `/<chargePointId>`. */
  readonly url: string;
  readonly port: number;
  readonly metrics: OcppMetrics;
  /** Hands a plan to the chargers (upsert per EVSE and station); delivery runs in the background. */
  applyPlan(plan: ChargerPlanSet): ApplyPlanResult;
  /** Delivery state per EVSE (0 = station cap), for the API. */
  deliveryStatus(chargerId?: string): PlanDeliveryReport[];
  connectedChargers(): string[];
  /** Closes a charger's connection (WebSocket 1008 with `reason`); whether it was connected here. */
  disconnect(chargerId: string, reason: string): Promise<boolean>;
  chargerPhase(chargerId: string): ChargerPhase | undefined;
  capabilities(chargerId: string): ChargerCapabilities | undefined;
  /** GetCompositeSchedule (diagnostics, tests); undefined when the charger answers Rejected. */
  getCompositeSchedule(chargerId: string, evseId: number, durationS: number, unit?: RateUnit): Promise<ReportedComposite | undefined>;
  /** ClearChargingProfile (operations, tests). */
  clearChargingProfile(chargerId: string, criteria: ClearCriteria): Promise<ClearStatus>;
  /** Any CALL (schema-checked before it leaves); for operations and tests. */
  callCharger(chargerId: string, action: string, payload: Record<string, unknown>): Promise<unknown>;
  /** Resolves when no delivery run is under way. */
  whenIdle(): Promise<void>;
  /**
   * EVSEs with a retry armed (backoff timer) and when it fires: with none and `whenIdle` resolved, nothing
   * more is sent until a new plan, transaction or connection (tests wait on this instead of sleeping).
   */
  pendingRetries(chargerId?: string): { readonly chargerId: string; readonly evseId: number; readonly nextRetryUtcMs: number }[];
  close(): Promise<void>;
}

function configIssues(o: OcppServerOptions): string[] {
  const issues: string[] = [];
  if (!Number.isInteger(o.port) || o.port < 0 || o.port > 65_535) issues.push(`port ${o.port} is not 0..65535`);
  if ((o.securityProfile ?? 0) === 2 && !o.tls) issues.push('security profile 2 needs tls.cert and tls.key');
  if (![0, 1, 2].includes(o.securityProfile ?? 0)) issues.push(`securityProfile ${o.securityProfile} is not 0, 1 or 2`);
  if (o.maxMessageBytes !== undefined && !(o.maxMessageBytes >= 1024)) issues.push('maxMessageBytes must be >= 1024');
  if (o.unmanagedAfter !== undefined && !(Number.isInteger(o.unmanagedAfter) && o.unmanagedAfter >= 1)) issues.push('unmanagedAfter must be an integer >= 1');
  if (o.callTimeoutMs !== undefined && !(o.callTimeoutMs >= 1)) issues.push('callTimeoutMs must be >= 1');
  if (o.versions !== undefined && (o.versions.length === 0 || o.versions.some((v) => !ocppVersions.includes(v)))) issues.push('versions must be a non-empty subset of 1.6, 2.0.1, 2.1');
  issues.push(...backoffIssues({ ...defaultBackoff, ...o.backoff }));
  return issues;
}

/** Starts listening; resolves once the port is bound. */
export async function startOcppServer(options: OcppServerOptions): Promise<OcppServer> {
  const issues = configIssues(options);
  if (issues.length > 0) throw new OcppError('V2G_ERR_OCPP_CONFIG', issues.join('; '), { issues });
  const clock = options.clock ?? systemClock;
  const logger = options.logger;
  const port = options.csms;
  const path = options.path ?? '/ocpp';
  const securityProfile = options.securityProfile ?? 0;
  const offered = subprotocolsByPreference.filter((p) => (options.versions ?? ocppVersions).includes(versionOf(p)!));
  const records = new Map<string, ChargerRecord>();
  const deliveries = new Map<string, ChargerDelivery>();
  const connections = new Map<string, ChargerConnection>();
  let nextTransactionId = Math.floor(clock.nowUtcMs() / 1000) % 1_000_000_000;
  const allocateTransactionId = options.allocateTransactionId ?? (() => ++nextTransactionId);

  const metrics = createOcppMetrics(options.registry ?? new Registry(), {
    connectedChargers: () => connections.size,
    deliveryStatusCounts: () => {
      const counts = Object.fromEntries(deliveryStatuses.map((s) => [s, 0])) as Record<DeliveryStatus, number>;
      for (const r of records.values()) for (const e of r.evses.values()) counts[e.status] += 1;
      return counts;
    },
  });
  const deliveryDeps = {
    clock, logger, metrics, port, sessionIdOf: options.sessionIdOf ?? defaultSessionIdOf, unmanagedAfter: options.unmanagedAfter ?? 3,
    backoff: { ...defaultBackoff, ...options.backoff },
    random: options.random ?? Math.random,
    refreshAheadMs: options.refreshAheadMs ?? 2 * 3_600_000,
  };

  function recordOf(chargerId: string): ChargerRecord {
    let record = records.get(chargerId);
    if (!record) {
      record = { chargerId, phase: 'offline', settings: defaultChargerSettings, evses: new Map() };
      records.set(chargerId, record);
      deliveries.set(chargerId, new ChargerDelivery(record, () => connections.get(chargerId)?.link, deliveryDeps));
    }
    return record;
  }

  const rpc = new RPCServer({
    protocols: offered,
    strictMode: true,
    strictModeValidators: strictValidators(),
    callTimeoutMs: options.callTimeoutMs ?? 30_000,
    pingIntervalMs: options.pingIntervalMs ?? 60_000,
    respondWithDetailedErrors: false,
    callConcurrency: 1,
    maxBadMessages: 10,
    wssOptions: { maxPayload: options.maxMessageBytes ?? 65_536 },
  });

  // ocpp-rpc awaits the auth callback inside its own try/catch (lib/server.js); its types say it returns void.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  rpc.auth(async (accept, reject, handshake) => {
    try {
      const throttle = options.authThrottle;
      const keys: ThrottleKey[] = [{ kind: 'id', value: `ocpp:${handshake.identity}` }, { kind: 'address', value: `ocpp:${handshake.remoteAddress ?? '?'}` }];
      if (throttle && securityProfile >= 1 && (await throttle.blockedForMs(keys)) > 0) {
        metrics.refusedConnections.inc({ reason: 'throttled' });
        logger.warn({ chargerId: handshake.identity, code: 'V2G_ERR_OCPP_AUTH_FAILED', reason: 'throttled', remoteAddress: handshake.remoteAddress }, 'too many failed authentications');
        reject(429, 'too many failed authentications');
        return;
      }
      const decision = await decideHandshake(handshake, { path, securityProfile, autoRegister: options.autoRegister ?? false, subprotocols: offered }, port);
      if (throttle && securityProfile >= 1) {
        if (!decision.accept && decision.code === 'V2G_ERR_OCPP_AUTH_FAILED') await throttle.failed(keys);
        else if (decision.accept) await throttle.succeeded(keys);
      }
      if (!decision.accept) {
        metrics.refusedConnections.inc({ reason: decision.reason });
        logger.warn({ chargerId: handshake.identity, code: decision.code, reason: decision.reason, remoteAddress: handshake.remoteAddress }, decision.message);
        reject(decision.status, decision.message);
        return;
      }
      const settings = { ...defaultChargerSettings, ...(await port.chargerSettings(handshake.identity)) };
      accept({ settings }, decision.subprotocol);
    } catch (error) {
      metrics.refusedConnections.inc({ reason: 'port' });
      logger.error({ err: error, chargerId: handshake.identity, code: 'V2G_ERR_OCPP_PORT' }, 'handshake check failed');
      reject(503, 'service unavailable');
    }
  });

  rpc.on('client', (client: RpcServerClientLike & { identity: string; protocol: string; session: { settings: ChargerRecord['settings'] }; handshake: { remoteAddress?: string } }) => {
    const chargerId = client.identity;
    const version = versionOf(client.protocol);
    if (!version) {
      void client.close({ code: 1002, reason: 'no subprotocol' });
      return;
    }
    const record = recordOf(chargerId);
    const previous = connections.get(chargerId);
    if (previous) {
      connections.delete(chargerId);
      record.phase = 'offline';
      void previous.close(1000, 'replaced by a new connection');
      // A second connection under the same identity is not the first one's charger until it says so:
      // what the first one reported (transactions, installed profiles) is not carried over to it.
      forgetTransactions(record);
      logger.warn({ chargerId, remoteAddress: client.handshake.remoteAddress }, 'a second connection with the same charge point id replaced the first; its transactions are forgotten');
    }
    record.settings = client.session.settings;
    const connection = new ChargerConnection(client, record, deliveries.get(chargerId)!, mappings[version], {
      clock, logger, metrics, port, heartbeatIntervalS: options.heartbeatIntervalS ?? 300, allocateTransactionId, bootGraceMs: options.bootGraceMs ?? 2_000,
    }, client.handshake.remoteAddress);
    connections.set(chargerId, connection);
    connection.start(() => {
      if (connections.get(chargerId) !== connection) return false;
      connections.delete(chargerId);
      return true;
    });
  });
  rpc.on('error', (error: unknown) => logger.error({ err: error }, 'OCPP server error'));

  const onRequest = (_req: IncomingMessage, res: import('node:http').ServerResponse) => {
    res.statusCode = 404;
    res.end();
  };
  const http: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createHttpServer(onRequest);
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A refusal's answer is flushed before the socket closes (refusal-flush.ts); ocpp-rpc has settled the handshake
    // (accepted or refused) when its handleUpgrade resolves.
    const restore = endBeforeDestroy(socket);
    void rpc.handleUpgrade(req, socket as never, head).finally(restore);
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host ?? '0.0.0.0', () => {
      http.off('error', reject);
      resolve();
    });
  });
  const address = http.address();
  const boundPort = typeof address === 'object' && address ? address.port : options.port;
  const scheme = options.tls ? 'wss' : 'ws';
  const hostForUrl = options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1';
  const url = `${scheme}://${hostForUrl}:${boundPort}${path}`;
  logger.info({ url, securityProfile, versions: offered }, 'OCPP server listening');

  function linkOf(chargerId: string) {
    const link = connections.get(chargerId)?.link;
    if (!link) throw new OcppError('V2G_ERR_OCPP_OFFLINE', `${chargerId} is not connected`);
    return link;
  }

  function reportOf(record: ChargerRecord, evseId: number): PlanDeliveryReport {
    return deliveryReport(record, record.evses.get(evseId)!, clock.nowUtcMs());
  }

  const sessionIdOf = options.sessionIdOf ?? defaultSessionIdOf;
  /** The running transaction's own schedule is gone from the plan: its profile is cleared, its first limit dropped. */
  function withdrawn(evse: EvseRecord, planId: string | undefined): void {
    delete evse.firstLimit;
    evse.clearWhy = `plan ${planId ?? '(no id)'} withdrew the schedule of the running transaction's session`;
  }

  const sameValues = (a: readonly number[] | undefined, b: readonly number[]) => a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
  const sameSchedule = (a: EvseSchedule | undefined, b: EvseSchedule) =>
    a !== undefined && a.startUtcMs === b.startUtcMs && a.slotMs === b.slotMs && a.sessionId === b.sessionId && a.transactionId === b.transactionId && sameValues(a.powerKw, b.powerKw);

  return {
    url,
    port: boundPort,
    metrics,
    applyPlan(plan) {
      assertChargerPlanSet(plan);
      const touched = new Set<string>();
      const byEvse = new Map<string, EvseSchedule[]>();
      for (const s of plan.evses) {
        const key = `${s.chargerId}#${s.evseId}`;
        byEvse.set(key, [...(byEvse.get(key) ?? []), s]);
      }
      for (const schedules of byEvse.values()) {
        const { chargerId, evseId } = schedules[0]!;
        const evse = evseOf(recordOf(chargerId), evseId);
        // Without a session or transaction, a schedule is for the transaction running now (or none).
        const bound = schedules.map((s) =>
          s.sessionId !== undefined || s.transactionId !== undefined || evse.transactionId === undefined ? s : { ...s, transactionId: evse.transactionId });
        const same = bound.length === evse.schedules.length && bound.every((s, i) => sameSchedule(evse.schedules[i], s));
        const ownBefore = ownSchedule(chargerId, evse, sessionIdOf);
        evse.schedules = bound;
        if (ownBefore && !ownSchedule(chargerId, evse, sessionIdOf)) withdrawn(evse, plan.planId);
        if (!same) delete evse.cleared;
        // A new plan id with the same schedule is still news for the delivery view: the loop reports it.
        if (plan.planId !== undefined && evse.planId !== plan.planId) {
          evse.planId = plan.planId;
          touched.add(chargerId);
        }
        if (!same) {
          resetAttempts(evse);
          touched.add(chargerId);
        }
      }
      for (const chargerId of plan.chargers ?? []) {
        const record = recordOf(chargerId);
        for (const evse of record.evses.values()) {
          if (evse.evseId < 1 || byEvse.has(`${chargerId}#${evse.evseId}`) || evse.schedules.length === 0) continue;
          if (ownSchedule(chargerId, evse, sessionIdOf)) withdrawn(evse, plan.planId);
          evse.schedules = [];
          if (plan.planId !== undefined) evse.planId = plan.planId;
          resetAttempts(evse);
          touched.add(chargerId);
        }
      }
      for (const c of plan.stationCaps ?? []) {
        const evse = evseOf(recordOf(c.chargerId), 0);
        const old = evse.stationCap;
        const same = old !== undefined && old.startUtcMs === c.startUtcMs && old.slotMs === c.slotMs && sameValues(old.maxPowerKw, c.maxPowerKw);
        evse.stationCap = c;
        if (plan.planId !== undefined && evse.planId !== plan.planId) {
          evse.planId = plan.planId;
          touched.add(c.chargerId);
        }
        if (!same) {
          resetAttempts(evse);
          touched.add(c.chargerId);
        }
      }
      for (const id of touched) deliveries.get(id)!.kick();
      return { chargers: touched.size, evses: plan.evses.length, offline: [...touched].filter((id) => !connections.has(id)) };
    },
    deliveryStatus(chargerId) {
      const out: PlanDeliveryReport[] = [];
      for (const record of chargerId ? [records.get(chargerId)].filter((r): r is ChargerRecord => r !== undefined) : records.values()) {
        for (const evseId of [...record.evses.keys()].sort((a, b) => a - b)) out.push(reportOf(record, evseId));
      }
      return out;
    },
    connectedChargers: () => [...connections.keys()],
    pendingRetries(chargerId) {
      const out: { chargerId: string; evseId: number; nextRetryUtcMs: number }[] = [];
      for (const record of records.values()) {
        if (chargerId !== undefined && record.chargerId !== chargerId) continue;
        for (const e of record.evses.values()) if (e.retryTimer !== undefined) out.push({ chargerId: record.chargerId, evseId: e.evseId, nextRetryUtcMs: e.nextRetryUtcMs ?? NaN });
      }
      return out;
    },
    async disconnect(chargerId, reason) {
      const connection = connections.get(chargerId);
      if (!connection) return false;
      await connection.close(1008, reason);
      return true;
    },
    chargerPhase: (chargerId) => records.get(chargerId)?.phase,
    capabilities: (chargerId) => records.get(chargerId)?.capabilities,
    getCompositeSchedule: async (chargerId, evseId, durationS, unit) => linkOf(chargerId).getCompositeSchedule(evseId, durationS, unit),
    clearChargingProfile: async (chargerId, criteria) => linkOf(chargerId).clearChargingProfile(criteria),
    callCharger: async (chargerId, action, payload) => linkOf(chargerId).call(action, payload),
    async whenIdle() {
      for (;;) {
        await Promise.all([...deliveries.values()].map((d) => d.idle()));
        if ([...deliveries.values()].every((d) => !d.busy)) return;
      }
    },
    async close() {
      for (const d of deliveries.values()) d.close();
      await rpc.close({ code: 1001, reason: 'server closing', force: true });
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections?.();
      });
      logger.info({ url }, 'OCPP server closed');
    },
  };
}
