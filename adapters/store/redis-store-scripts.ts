/**
 * The Redis store's Lua scripts (key layout in redis-keys.ts). Each is atomic, so concurrent writers on
 * one site never lose a write: a child (session, dispatch, plan) is only written while its site exists,
 * orders are assigned once (first put) from a store-wide counter, and a plan, its trimming and the plan
 * state change together.
 *
 * Return convention: 1 = done, 0 = the site does not exist (the caller throws, as MemoryStore does).
 * Revised records (site, session, dispatch, signals) are stored as `<revision>:<JSON>` (redis-json.ts);
 * their put scripts answer `{status, revision}`: `{1, new}` done, `{0, 0}` no site, `{-1, current}` the
 * expected revision (ARGV, '' = unconditional) did not match and nothing was written.
 */
import { LuaScript } from './redis-lua.ts';

/** Lua: the revision of a stored `<revision>:<JSON>` value (0 for none; 1 for a bare JSON value). */
const revisionOf = `
local function revisionOf(v)
  if not v then return 0 end
  local r = string.match(v, '^(%d+):')
  if r then return tonumber(r) end
  return 1
end
`;

/**
 * Puts a site record (conditionally); the first put gives the site its place in `listSites`.
 *   KEYS[1] sites zset   KEYS[2] site hash   KEYS[3] store seq
 *   ARGV[1] siteId       ARGV[2] site JSON   ARGV[3] expected revision or ''
 * Returns {1, revision} or {-1, current revision}.
 */
export const putSiteScript = new LuaScript(
  'putSite',
  `${revisionOf}
local cur = revisionOf(redis.call('HGET', KEYS[2], 'record'))
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= cur then return {-1, cur} end
redis.call('HSET', KEYS[2], 'record', (cur + 1) .. ':' .. ARGV[2])
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ARGV[1])
end
return {1, cur + 1}
`,
);

/**
 * Deletes a site and everything it holds.
 *   KEYS[1] sites zset   KEYS[2] site hash   KEYS[3..9] sessions, session-order, dispatches,
 *   dispatch-order, plans, plan-order, meter readings
 *   ARGV[1] siteId
 * Returns 1 when the site existed, else 0.
 */
export const deleteSiteScript = new LuaScript(
  'deleteSite',
  `
local existed = redis.call('EXISTS', KEYS[2])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8], KEYS[9])
redis.call('ZREM', KEYS[1], ARGV[1])
return existed
`,
);

/**
 * Puts a child record (session or dispatch) of an existing site, conditionally; the first put fixes its
 * list order.
 *   KEYS[1] site hash   KEYS[2] children hash   KEYS[3] children order zset   KEYS[4] store seq
 *   ARGV[1] child id    ARGV[2] child JSON      ARGV[3] expected revision or ''
 * Returns {1, revision}, {0, 0} when the site does not exist, or {-1, current revision} (nothing written).
 */
export const putChildScript = new LuaScript(
  'putChild',
  `${revisionOf}
if redis.call('HEXISTS', KEYS[1], 'record') == 0 then return {0, 0} end
local cur = revisionOf(redis.call('HGET', KEYS[2], ARGV[1]))
if ARGV[3] ~= '' and tonumber(ARGV[3]) ~= cur then return {-1, cur} end
redis.call('HSET', KEYS[2], ARGV[1], (cur + 1) .. ':' .. ARGV[2])
if not redis.call('ZSCORE', KEYS[3], ARGV[1]) then
  redis.call('ZADD', KEYS[3], redis.call('INCR', KEYS[4]), ARGV[1])
end
return {1, cur + 1}
`,
);

/**
 * Puts an existing site's signals, conditionally.
 *   KEYS[1] site hash
 *   ARGV[1] signals JSON   ARGV[2] expected revision or ''
 * Returns {1, revision}, {0, 0} when the site does not exist, or {-1, current revision} (nothing written).
 */
export const putSignalsScript = new LuaScript(
  'putSignals',
  `${revisionOf}
if redis.call('HEXISTS', KEYS[1], 'record') == 0 then return {0, 0} end
local cur = revisionOf(redis.call('HGET', KEYS[1], 'signals'))
if ARGV[2] ~= '' and tonumber(ARGV[2]) ~= cur then return {-1, cur} end
redis.call('HSET', KEYS[1], 'signals', (cur + 1) .. ':' .. ARGV[1])
return {1, cur + 1}
`,
);

/**
 * Deletes a child record.
 *   KEYS[1] children hash   KEYS[2] children order zset
 *   ARGV[1] child id
 * Returns 1 when it existed, else 0.
 */
export const deleteChildScript = new LuaScript(
  'deleteChild',
  `
local n = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return n
`,
);

/**
 * Lists child records in first-put order (one consistent snapshot).
 *   KEYS[1] children hash   KEYS[2] children order zset
 * Returns the JSON texts.
 */
export const listChildrenScript = new LuaScript(
  'listChildren',
  `
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local v = redis.call('HGET', KEYS[1], id)
  if v then out[#out + 1] = v end
end
return out
`,
);

/**
 * Sets one field of an existing site's hash (signals, last attempt).
 *   KEYS[1] site hash
 *   ARGV[1] field   ARGV[2] JSON
 * Returns 1, or 0 when the site does not exist (nothing written).
 */
export const setSiteFieldScript = new LuaScript(
  'setSiteField',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`,
);

/**
 * Stores a plan as the site's current plan, keeps at most max(1, historyLimit) plans (newest first) and
 * records the successful attempt, all at once. A plan id already stored is replaced and becomes the newest.
 *   KEYS[1] site hash   KEYS[2] plans hash   KEYS[3] plan-order list
 *   ARGV[1] planId   ARGV[2] plan JSON   ARGV[3] historyLimit   ARGV[4] attempt JSON   ARGV[5] createdAtUtcMs
 * Returns 1, or 0 when the site does not exist (nothing written).
 */
export const putPlanScript = new LuaScript(
  'putPlan',
  `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('LREM', KEYS[3], 0, ARGV[1])
redis.call('LPUSH', KEYS[3], ARGV[1])
local limit = tonumber(ARGV[3])
if redis.call('LLEN', KEYS[3]) > limit then
  local keep = math.max(1, limit)
  local dropped = redis.call('LRANGE', KEYS[3], keep, -1)
  redis.call('LTRIM', KEYS[3], 0, keep - 1)
  for _, old in ipairs(dropped) do
    if not redis.call('LPOS', KEYS[3], old) then redis.call('HDEL', KEYS[2], old) end
  end
end
redis.call('HSET', KEYS[1], 'currentPlanId', ARGV[1], 'lastAttempt', ARGV[4], 'lastSuccessUtcMs', ARGV[5])
return 1
`,
);

/**
 * Lists plans newest first (one consistent snapshot).
 *   KEYS[1] plans hash   KEYS[2] plan-order list
 *   ARGV[1] last index (LRANGE stop)
 * Returns the JSON texts.
 */
export const listPlansScript = new LuaScript(
  'listPlans',
  `
local out = {}
for _, id in ipairs(redis.call('LRANGE', KEYS[2], 0, tonumber(ARGV[1]))) do
  local v = redis.call('HGET', KEYS[1], id)
  if v then out[#out + 1] = v end
end
return out
`,
);
