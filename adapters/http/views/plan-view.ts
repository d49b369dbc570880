/**
 * Plan records on the wire. The part that never changes (slots, setpoints, costs) is built once per plan
 * and cached; the status (in force, stale after a failed re-plan, superseded) is merged in per request.
 * Powers are rounded to 1 W, energies to 1 Wh.
 */
import { networkLoading } from '../../../optimizer/network/network-loading.ts';
import type { Plan, PlanOrigin } from '../../../optimizer/plan.ts';
import type { Problem } from '../../../optimizer/problem.ts';
import type { PlanRecord, SitePlanState } from '../../store/records.ts';
import { costWithoutIncentives } from '../../service/dispatch-incentive.ts';
import { wireInstant } from '../wire-time.ts';

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const r4 = (x: number) => Math.round(x * 10_000) / 10_000;

function staticView(record: PlanRecord) {
  const { grid, plan, problem, limits } = record;
  const zone = grid.zone;
  const starts = Array.from({ length: grid.slotCount + 1 }, (_, t) => wireInstant(grid.startUtcMs + t * grid.slotMs, zone));
  const cost = costWithoutIncentives(plan, record.incentives);
  const byId = new Map(problem.vehicles.map((v) => [v.id, v]));
  return {
    id: record.id,
    siteId: record.siteId,
    createdAt: wireInstant(record.createdAtUtcMs, zone),
    trigger: [...record.reasons],
    horizon: {
      start: starts[0]!,
      end: starts[grid.slotCount]!,
      slotMinutes: grid.slotMs / 60_000,
      slotCount: grid.slotCount,
      limitedBy: record.horizonLimitedBy,
    },
    currency: plan.currency,
    cost: {
      energyCost: r4(cost.energyCost),
      exportRevenue: r4(cost.exportRevenue),
      demandCharge: r4(cost.demandCharge),
      degradationCost: r4(cost.degradationCost),
      netCost: r4(cost.netCost),
      shortfallKwh: r3(cost.shortfallKwh),
      shortfallPenalty: r4(cost.shortfallPenalty),
      objective: r4(cost.objective),
    },
    solver: {
      backend: plan.stats.backend,
      solveMs: r3(plan.stats.solveMs),
      buildMs: r3(plan.stats.buildMs),
      rounds: plan.stats.rounds,
      jobId: record.jobId,
      ...(plan.origin ? { origin: originView(plan.origin) } : {}),
    },
    site: {
      peakImportKw: r3(plan.site.peakImportKw),
      slots: Array.from({ length: grid.slotCount }, (_, t) => ({
        start: starts[t]!,
        end: starts[t + 1]!,
        importKw: r3(plan.site.importKw[t]!),
        exportKw: r3(plan.site.exportKw[t]!),
        netKw: r3(plan.site.importKw[t]! - plan.site.exportKw[t]!),
        baseLoadKw: r3(problem.baseLoadKw?.[t] ?? 0),
        pvKw: r3(problem.pvKw?.[t] ?? 0),
        pvCurtailedKw: r3(plan.site.pvCurtailedKw[t]!),
        importLimitKw: r3(limits.importLimits[t]!.limitKw),
        importLimitSource: limits.importLimits[t]!.source,
        exportLimitKw: r3(limits.exportLimits[t]!.limitKw),
        exportLimitSource: limits.exportLimits[t]!.source,
        importPricePerKwh: r4(record.importPricePerKwh[t]!),
        exportPricePerKwh: r4(record.exportPricePerKwh[t]!),
      })),
    },
    vehicles: plan.vehicles.map((v) => {
      const end = Math.min(byId.get(v.id)?.departureSlot ?? grid.slotCount, grid.slotCount);
      return {
        sessionId: v.id,
        chargerId: v.chargerId,
        powerKw: v.powerKw.map(r3),
        energyAtStartKwh: r3(v.energyKwh[0]!),
        energyAtEndKwh: r3(v.energyKwh[end]!),
        shortfallKwh: r3(v.shortfallKwh),
        ...(v.shortfallReason ? { shortfallReason: v.shortfallReason } : {}),
      };
    }),
    forecastFills: (record.forecastFills ?? []).map((f) => ({
      signal: f.signal,
      start: wireInstant(f.startUtcMs, zone),
      end: wireInstant(f.endUtcMs, zone),
      rule: f.rule,
    })),
    droppedSessions: record.droppedSessions.map((d) => ({ sessionId: d.id, reason: d.reason, message: d.message })),
    uncontrolledSessions: (record.uncontrolledSessions ?? []).map((u) => ({ ...u })),
    ...(record.coordination
      ? { coordination: { portfolioId: record.coordination.portfolioId, portfolioPlanId: record.coordination.portfolioPlanId, mode: record.coordination.mode, siteObjective: r4(record.coordination.siteObjective), note: record.coordination.note } }
      : {}),
    dispatches: record.dispatchIds.map((id) => {
      const incentive = record.incentives.find((i) => i.dispatchId === id);
      return { id, ...(incentive ? { rewardPerKwh: incentive.rewardPerKwh } : {}) };
    }),
    ...networkView(problem, plan, starts),
  };
}

/** The three-phase network's load under the plan: each element's peak current against its limit. */
function networkView(problem: Problem, plan: Plan, starts: readonly string[]) {
  if (problem.network === undefined) return {};
  const byCharger = new Map<string, number[]>();
  for (const v of plan.vehicles) {
    const series = byCharger.get(v.chargerId) ?? new Array<number>(plan.slotCount).fill(0);
    v.powerKw.forEach((kw, t) => (series[t] = series[t]! + kw));
    byCharger.set(v.chargerId, series);
  }
  const loading = networkLoading(problem.network, byCharger, plan.slotCount);
  return {
    network: {
      elements: loading.elements.map((e) => ({
        name: e.name,
        ...(e.limitA !== undefined ? { limitA: r3(e.limitA) } : {}),
        peakA: r3(e.peakA),
        peakAt: starts[e.peakSlot]!,
        ...(e.peakLoadingPct !== undefined && Number.isFinite(e.peakLoadingPct) ? { peakLoadingPct: r3(e.peakLoadingPct) } : {}),
      })),
      ...(loading.meanSecondaryUnbalancePct !== undefined ? { meanSecondaryUnbalancePct: r3(loading.meanSecondaryUnbalancePct) } : {}),
    },
  };
}

const cache = new WeakMap<PlanRecord, ReturnType<typeof staticView>>();

/** The plan as the API shows it, with its status against the site's plan state. */
export function planView(record: PlanRecord, state: SitePlanState, nowUtcMs: number, options: { includeProblem?: boolean } = {}) {
  let base = cache.get(record);
  if (!base) {
    base = staticView(record);
    cache.set(record, base);
  }
  const zone = record.grid.zone;
  const inForce = state.currentPlanId === record.id;
  const last = state.lastAttempt;
  const failedSince = inForce && last !== undefined && !last.ok && last.atUtcMs >= record.createdAtUtcMs;
  const freshness: 'current' | 'stale' | 'superseded' = !inForce ? 'superseded' : failedSince ? 'stale' : 'current';
  const messages: string[] = [];
  if (record.plan.message) messages.push(record.plan.message);
  if (failedSince) {
    messages.push(`the last re-plan failed (${last.code ?? 'error'}${last.willRetry ? ', retrying' : ''}): ${last.message?.split('\n')[0] ?? ''}; this plan from ${base.createdAt} stays in force`);
  }
  if (inForce && nowUtcMs >= record.grid.endUtcMs) messages.push('the horizon of this plan has ended: post signals that cover now to get a new plan');
  return {
    ...base,
    status: {
      solver: record.plan.status,
      freshness,
      inForce,
      ...(messages.length > 0 ? { message: messages.join('; ') } : {}),
      ...(last && inForce
        ? {
            lastAttempt: {
              at: wireInstant(last.atUtcMs, zone),
              ok: last.ok,
              jobId: last.jobId,
              ...(last.code !== undefined ? { code: last.code } : {}),
              ...(last.message !== undefined ? { message: last.message } : {}),
              ...(last.willRetry !== undefined ? { willRetry: last.willRetry } : {}),
            },
          }
        : {}),
    },
    ...(options.includeProblem ? { problem: structuredClone(record.problem) as Problem } : {}),
  };
}

/** One line of the plan history. */
export function planSummary(record: PlanRecord, currentPlanId: string | undefined) {
  const zone = record.grid.zone;
  return {
    id: record.id,
    createdAt: wireInstant(record.createdAtUtcMs, zone),
    solverStatus: record.plan.status,
    trigger: [...record.reasons],
    horizonStart: wireInstant(record.grid.startUtcMs, zone),
    horizonEnd: wireInstant(record.grid.endUtcMs, zone),
    netCost: r4(costWithoutIncentives(record.plan, record.incentives).netCost),
    shortfallKwh: r3(record.plan.cost.shortfallKwh),
    vehicles: record.plan.vehicles.length,
    inForce: record.id === currentPlanId,
  };
}

/** Which candidate the plan is, with its bound and gap (optimizer/plan.ts, PlanOrigin). */
function originView(o: PlanOrigin) {
  return {
    source: o.source,
    ...(o.baseline !== undefined ? { baseline: o.baseline } : {}),
    objective: r4(o.objective),
    ...(o.bound !== undefined ? { bound: r4(o.bound) } : {}),
    ...(o.gapPct !== undefined ? { gapPct: r4(o.gapPct) } : {}),
    timedOut: o.timedOut,
    timeLimitMs: o.timeLimitMs,
    elapsedMs: r3(o.elapsedMs),
  };
}
