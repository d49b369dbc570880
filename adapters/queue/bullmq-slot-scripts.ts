/**
 * Lua scripts of the BullMQ queue's slots (bullmq-slots.ts). A slot is a deduplication id (or one job
 * without one); it has at most one PENDING job (a hash: `jobId`, `data`, `createdAt`, `runAt`,
 * `maxRunAt`, `v`) and at most one ACTIVE job (a string lease holding the job id, PX expiry).
 *
 * Invariants the scripts keep (each runs atomically):
 * - A pending job's data and run time live in its pending hash until the worker claims it; a claim
 *   deletes the hash in the same step, so a producer either merges into the pending job (and the
 *   worker sees the merge) or finds no pending job and creates a new one. No merge is ever lost.
 * - Two jobs of one slot never hold the active lease together, so they never run at the same time.
 * - `v` grows on every change of a pending hash: producers merge with compare-and-set on it.
 *
 * Empty string = "none" for `maxRunAt`.
 */
import { LuaScript } from '../store/redis-lua.ts';

/**
 * Creates the slot's pending job unless one exists.
 *   KEYS[1] pending hash   KEYS[2] queue job-id counter
 *   ARGV[1] id base (a new id is `<base>-<n>`)   ARGV[2] data JSON   ARGV[3] now   ARGV[4] runAt
 *   ARGV[5] maxRunAt or ''   ARGV[6] a fixed job id, or '' to make one from the base
 * Returns {'created', jobId} or {'exists'}.
 */
export const reserveScript = new LuaScript(
  'slotReserve',
  `
if redis.call('EXISTS', KEYS[1]) == 1 then return {'exists'} end
local id = ARGV[6]
if id == '' then id = ARGV[1] .. '-' .. redis.call('INCR', KEYS[2]) end
redis.call('HSET', KEYS[1], 'jobId', id, 'data', ARGV[2], 'createdAt', ARGV[3], 'runAt', ARGV[4], 'maxRunAt', ARGV[5], 'v', 1)
return {'created', id}
`,
);

/**
 * Compare-and-set of a pending job (a producer's merge).
 *   KEYS[1] pending hash
 *   ARGV[1] jobId   ARGV[2] expected v   ARGV[3] data JSON   ARGV[4] runAt   ARGV[5] maxRunAt or ''
 * Returns 1 when written, 0 when the job is no longer pending or `v` moved on (read again and retry).
 */
export const updateScript = new LuaScript(
  'slotUpdate',
  `
if redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'v') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'data', ARGV[3], 'runAt', ARGV[4], 'maxRunAt', ARGV[5])
redis.call('HINCRBY', KEYS[1], 'v', 1)
return 1
`,
);

/**
 * Forgets a pending job whose BullMQ job never got created (a producer failed between the two steps).
 *   KEYS[1] pending hash
 *   ARGV[1] jobId   ARGV[2] expected v
 * Returns 1 when deleted, else 0.
 */
export const dropScript = new LuaScript(
  'slotDrop',
  `
if redis.call('HGET', KEYS[1], 'jobId') ~= ARGV[1] or redis.call('HGET', KEYS[1], 'v') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[1])
return 1
`,
);

/**
 * A worker starts a job: takes the slot's active lease and the pending data.
 *   KEYS[1] pending hash   KEYS[2] active lease
 *   ARGV[1] jobId   ARGV[2] now   ARGV[3] lease (ms)
 * Returns {'busy', leaseTtlMs} (another job of the slot runs: wait), {'early', runAt} (the run was
 * postponed: wait until runAt), {'claimed', data, createdAt, maxRunAt} or {'unrecorded'} (not the pending
 * job, e.g. a stalled job run again: run with the job's own data).
 */
export const claimScript = new LuaScript(
  'slotClaim',
  `
local holder = redis.call('GET', KEYS[2])
if holder and holder ~= ARGV[1] then return {'busy', redis.call('PTTL', KEYS[2])} end
if redis.call('HGET', KEYS[1], 'jobId') == ARGV[1] then
  local runAt = tonumber(redis.call('HGET', KEYS[1], 'runAt'))
  if runAt > tonumber(ARGV[2]) then return {'early', runAt} end
  local fields = redis.call('HMGET', KEYS[1], 'data', 'createdAt', 'maxRunAt')
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
  return {'claimed', fields[1], fields[2], fields[3]}
end
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
return {'unrecorded'}
`,
);

/**
 * Extends the active lease of a running job.
 *   KEYS[1] active lease   ARGV[1] jobId   ARGV[2] lease (ms)
 * Returns 1 when extended, 0 when the job no longer holds it.
 */
export const renewScript = new LuaScript(
  'slotRenew',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`,
);

/**
 * A job finished (completed, or failed for good): releases the lease.
 *   KEYS[1] active lease   KEYS[2] pending hash   ARGV[1] jobId
 * Returns the slot's pending job id (to wake it now), or false.
 */
export const releaseScript = new LuaScript(
  'slotRelease',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return redis.call('HGET', KEYS[2], 'jobId')
`,
);

/**
 * A job failed and may be retried. If a newer job of the slot is pending, that job is the retry;
 * otherwise this job becomes the slot's pending job again, due at `runAt` (after its backoff).
 * Either way the lease is released.
 *   KEYS[1] pending hash   KEYS[2] active lease
 *   ARGV[1] jobId   ARGV[2] data JSON   ARGV[3] createdAt   ARGV[4] runAt   ARGV[5] maxRunAt or ''
 * Returns {'newer', newerJobId} or {'requeued'}.
 */
export const requeueScript = new LuaScript(
  'slotRequeue',
  `
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
local pending = redis.call('HGET', KEYS[1], 'jobId')
if pending and pending ~= ARGV[1] then return {'newer', pending} end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'jobId', ARGV[1], 'data', ARGV[2], 'createdAt', ARGV[3], 'runAt', ARGV[4], 'maxRunAt', ARGV[5], 'v', 1)
return {'requeued'}
`,
);
