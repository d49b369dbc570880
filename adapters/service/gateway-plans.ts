/**
 * Plans to the chargers this process holds (the OCPP gateway side of the plan bus). Three triggers:
 *
 * 1. A plan is announced (plan-bus.ts): the site's CURRENT plan goes to those of its chargers that are
 *    connected here (other gateways take theirs).
 * 2. A charger connects here: its site's current plan is applied for it, so a charger that was away, or
 *    moved from another gateway, gets the plan without waiting for the next re-plan.
 * 3. `reconcile()` (after the plan bus reconnected): every connected charger gets its site's current plan.
 *
 * `applyPlan` is an upsert per EVSE that sends only what changed, so repeating any of these is harmless.
 * A site's plan is never replaced by an older one here (plans are compared by creation time). A plan
 * covers the site's chargers held here in full: a session it no longer plans has its profile cleared.
 */
import type { ChargerPlanSet } from '../ocpp/charger-plan.ts';
import { chargerPlanSetFromPlan } from '../ocpp/plan-to-charger-schedules.ts';
import type { ApplyPlanResult } from '../ocpp/server.ts';
import type { PlanRecord } from '../store/records.ts';
import type { ChargerDirectory } from './charger-directory.ts';
import { ocppAddressOf } from './ocpp-charger-ids.ts';
import type { PlanReady } from './plan-bus.ts';
import type { SitePlanCache } from './site-plan-cache.ts';

/** The part of the OCPP server this needs. */
export interface PlanTarget {
  applyPlan(plan: ChargerPlanSet): ApplyPlanResult;
  connectedChargers(): string[];
}

export interface GatewayLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface GatewayPlansDeps {
  readonly plans: SitePlanCache;
  readonly directory: ChargerDirectory;
  readonly log: GatewayLog;
}

export class GatewayPlans {
  private target: PlanTarget | undefined;
  /** Creation time of the newest plan applied per site. */
  private readonly applied = new Map<string, number>();

  constructor(private readonly deps: GatewayPlansDeps) {}

  /** The OCPP server, once it listens (until then announcements are only remembered by the store). */
  attach(target: PlanTarget | undefined): void {
    this.target = target;
  }

  /** Trigger 1. */
  async planReady(event: PlanReady): Promise<void> {
    const target = this.target;
    if (!target) return;
    const held = new Set(target.connectedChargers());
    if (held.size === 0) return;
    const record = await this.deps.plans.current(event.siteId);
    const onSite = (await this.deps.directory.chargePointsOf(event.siteId)).filter((cp) => held.has(cp));
    if (record) this.apply(target, record, (cp) => held.has(cp), onSite, 'announced');
  }

  /** Trigger 2. */
  async chargerOnline(chargePointId: string): Promise<void> {
    const target = this.target;
    if (!target) return;
    const site = await this.deps.directory.siteOf(chargePointId);
    if (!site) return;
    const record = await this.deps.plans.current(site.id);
    if (record) this.apply(target, record, (cp) => cp === chargePointId, [chargePointId], 'charger online', true);
  }

  /** Trigger 3. */
  async reconcile(): Promise<void> {
    for (const chargePointId of this.target?.connectedChargers() ?? []) await this.chargerOnline(chargePointId);
  }

  /**
   * `chargers`: the site's charge points held here; the plan covers them in full, so an EVSE of theirs the
   * plan has no schedule for has its plan withdrawn (its profile is cleared).
   */
  private apply(target: PlanTarget, record: PlanRecord, held: (chargePointId: string) => boolean, chargers: readonly string[], why: string, evenIfOlder = false): void {
    const newest = this.applied.get(record.siteId) ?? -Infinity;
    if (!evenIfOlder && record.createdAtUtcMs < newest) return;
    const set = chargerPlanSetFromPlan(record.plan, record.grid, { planId: record.id, resolve: ocppAddressOf, perSession: true });
    const evses = set.evses.filter((e) => held(e.chargerId));
    if (evses.length === 0 && chargers.length === 0) return;
    const result = target.applyPlan({ planId: record.id, evses, chargers });
    this.applied.set(record.siteId, Math.max(newest, record.createdAtUtcMs));
    this.deps.log.info({ siteId: record.siteId, planId: record.id, why, evses: evses.length, changedChargers: result.chargers }, 'plan applied to chargers');
  }
}
