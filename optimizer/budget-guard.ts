/**
 * What keeps a solve's one wall-clock budget when the backend cannot stop on time by itself.
 *
 * HiGHS checks its time limit only once its simplex iterates. Before the first iteration it sets the model
 * up (assessment, presolve, scaling, crash, first factorisation), which nothing interrupts: measured on a
 * generated 5,000-vehicle depot (480k columns, 956k nonzeros, HiGHS WebAssembly, load average 13-20 on 2 cores)
 * that took 4.9-7.3 s with a 2 s limit and 34 s with a 1 s limit, and a `v2g solve` with a 20 s limit took
 * 42 s. After the solver, the plan still has to be finished (every baseline, the validator, shortfall
 * reasons) and sent back from the worker thread: about 1.6 s more there.
 *
 * Both costs scale with the model, and both slow down with the machine's load just as building the model
 * does. So they are predicted from the time this solve took to build and open its first model (`modelMs`,
 * on the solve's own clock: the same load, the same size):
 *   - the backend is given the time left minus a finishing reserve, `finishReserveFactor x modelMs`;
 *   - a fresh model is not solved at all when the time left after that reserve is below its predicted
 *     set-up, `setupFactor x modelMs`: the solve then ends with the best plan it has (the baselines).
 * Measured ratios (bench/RESULTS.md, issue 12 session 4): HiGHS set-up before its first iteration / (build
 * + open) 1.7-3.6 with the energy chain; finishing (baselines, validation, reply) / (build + open) about 0.6.
 * The factors are set below those (2 and 0.5): a factor of 3 refused a 1,000-vehicle LP with a 60 s limit
 * whose build took 14 s at load 20 (the prefix rows build slower relative to their set-up), and an
 * underestimate is caught by the pool's watchdog (solver-pool.ts) within the stated tolerance.
 */

/** Finishing reserve per ms of building and opening the first model. */
export const finishReserveFactor = 0.5;

/** Predicted backend set-up of a fresh model per ms of building and opening it. */
export const setupFactor = 2;

/** Time to keep back for finishing the plan (ms). */
export function finishReserveMs(modelMs: number): number {
  return finishReserveFactor * Math.max(0, modelMs);
}

/** Predicted time before a fresh model's solve can stop at a time limit (ms). */
export function predictedSetupMs(modelMs: number): number {
  return setupFactor * Math.max(0, modelMs);
}

/**
 * The fallback plan a pool returns when it terminates an overrunning worker (every baseline, validated) costs
 * about this much per plugged vehicle-slot on a loaded machine (ms): 4.0-5.7 s for a generated 5,000-vehicle
 * depot (176k vehicle-slots) at load average 28 on 2 cores.
 */
export const fallbackMsPerVehicleSlot = 0.03;

/**
 * When (ms after dispatch) a pool starts preparing that fallback for a task with `timeLimitMs`: twice its
 * predicted cost before the limit, so it is ready when the watchdog fires (never before dispatch).
 */
export function fallbackPrepareAtMs(timeLimitMs: number, vehicleSlots: number): number {
  return Math.max(0, timeLimitMs - 2 * fallbackMsPerVehicleSlot * vehicleSlots);
}
