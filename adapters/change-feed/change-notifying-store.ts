/**
 * Store and charger status board decorators that announce every successful write on the change feed
 * (change-feed.ts), so open dashboards refresh without polling. The composition root wraps the backend's store
 * and board with these in every process (API, worker, gateway), so a change is announced where it is made.
 * A write that fails announces nothing; an announcement that fails never fails the write (the feed reports it).
 */
import type { ChargerLinkRecord, ChargerStatusBoard, EvseDeliveryRecord } from '../store/charger-status.ts';
import type { PortfolioRecord, PortfolioStore } from '../store/portfolio-store.ts';
import type { DispatchRecord, PlanAttempt, PlanRecord, SessionRecord, SiteRecord, SiteSignalsRecord } from '../store/records.ts';
import type { Unrevised, WriteCondition } from '../store/store-conflict.ts';
import type { Store } from '../store/store.ts';
import type { ChangeFeed, ChangeKind } from './change-feed.ts';

type Announce = (kind: ChangeKind, siteId: string | undefined, id: string | undefined) => void;

function announcer(feed: ChangeFeed, clock: { nowUtcMs(): number }): Announce {
  return (kind, siteId, id) => {
    void feed.publish({ kind, atUtcMs: clock.nowUtcMs(), ...(siteId !== undefined ? { siteId } : {}), ...(id !== undefined ? { id } : {}) });
  };
}

/** `store` with every successful write announced on `feed`. */
export function changeNotifyingStore(store: Store, feed: ChangeFeed, clock: { nowUtcMs(): number }): Store {
  const announce = announcer(feed, clock);
  return {
    getSite: (siteId) => store.getSite(siteId),
    listSites: () => store.listSites(),
    async putSite(site: Unrevised<SiteRecord>, condition?: WriteCondition) {
      const stored = await store.putSite(site, condition);
      announce('site', stored.id, stored.id);
      return stored;
    },
    async deleteSite(siteId) {
      const existed = await store.deleteSite(siteId);
      if (existed) announce('site', siteId, siteId);
      return existed;
    },
    getSession: (siteId, sessionId) => store.getSession(siteId, sessionId),
    listSessions: (siteId) => store.listSessions(siteId),
    async putSession(session: Unrevised<SessionRecord>, condition?: WriteCondition) {
      const stored = await store.putSession(session, condition);
      announce('session', stored.siteId, stored.id);
      return stored;
    },
    async deleteSession(siteId, sessionId) {
      const existed = await store.deleteSession(siteId, sessionId);
      if (existed) announce('session', siteId, sessionId);
      return existed;
    },
    getSignals: (siteId) => store.getSignals(siteId),
    async putSignals(siteId, signals: Unrevised<SiteSignalsRecord>, condition?: WriteCondition) {
      const stored = await store.putSignals(siteId, signals, condition);
      announce('signals', siteId, undefined);
      return stored;
    },
    getDispatch: (siteId, dispatchId) => store.getDispatch(siteId, dispatchId),
    listDispatches: (siteId) => store.listDispatches(siteId),
    async putDispatch(dispatch: Unrevised<DispatchRecord>, condition?: WriteCondition) {
      const stored = await store.putDispatch(dispatch, condition);
      announce('dispatch', stored.siteId, stored.id);
      return stored;
    },
    async putPlan(plan: PlanRecord, historyLimit: number) {
      await store.putPlan(plan, historyLimit);
      announce('plan', plan.siteId, plan.id);
    },
    getPlan: (siteId, planId) => store.getPlan(siteId, planId),
    listPlans: (siteId, limit) => store.listPlans(siteId, limit),
    getPlanState: (siteId) => store.getPlanState(siteId),
    async putPlanAttempt(siteId: string, attempt: PlanAttempt) {
      await store.putPlanAttempt(siteId, attempt);
      // A failed attempt makes the plan in force stale: the plan's status changed.
      if (!attempt.ok) announce('plan', siteId, attempt.planId);
    },
    ping: () => store.ping(),
  };
}

/** `board` with every link and delivery write announced on `feed` (as a `charger` change naming the charge point). */
export function changeNotifyingStatusBoard(board: ChargerStatusBoard, feed: ChangeFeed, clock: { nowUtcMs(): number }): ChargerStatusBoard {
  const announce = announcer(feed, clock);
  return {
    async putLink(chargePointId: string, link: ChargerLinkRecord) {
      await board.putLink(chargePointId, link);
      announce('charger', undefined, chargePointId);
    },
    async putDelivery(chargePointId: string, delivery: EvseDeliveryRecord) {
      await board.putDelivery(chargePointId, delivery);
      announce('charger', undefined, chargePointId);
    },
    get: (chargePointId) => board.get(chargePointId),
    getMany: (ids) => board.getMany(ids),
    async delete(chargePointId) {
      const existed = await board.delete(chargePointId);
      if (existed) announce('charger', undefined, chargePointId);
      return existed;
    },
    putGatewayBeat: (gateway, atUtcMs) => board.putGatewayBeat(gateway, atUtcMs),
    getGatewayBeats: (gateways) => board.getGatewayBeats(gateways),
  };
}

/** `portfolios` with every put and delete announced on `feed` (a `portfolio` change naming it; no site). */
export function changeNotifyingPortfolioStore(portfolios: PortfolioStore, feed: ChangeFeed, clock: { nowUtcMs(): number }): PortfolioStore {
  const announce = announcer(feed, clock);
  return {
    get: (portfolioId) => portfolios.get(portfolioId),
    list: () => portfolios.list(),
    async put(portfolio: Unrevised<PortfolioRecord>, condition?: WriteCondition) {
      const stored = await portfolios.put(portfolio, condition);
      announce('portfolio', undefined, stored.id);
      return stored;
    },
    async delete(portfolioId) {
      const existed = await portfolios.delete(portfolioId);
      if (existed) announce('portfolio', undefined, portfolioId);
      return existed;
    },
  };
}
