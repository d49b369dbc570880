/**
 * What a shard queue leaves behind once its worker closed. BullMQ keeps queue bookkeeping in Redis after every
 * worker and job is gone: `<bull>:<queue>:meta` (version, events max length), `:stalled-check` (the stalled
 * checker's lock), `:events` (the event stream), `:id` (the job counter), and while jobs move `:marker`,
 * `:stalled`, `:pc`, `:limiter`. A shard queue is one shard worker's own (shard-worker.ts), so when it closes
 * with no job left in any state, these keys are its litter: `dropIdleQueueKeys` deletes them in one script,
 * so a job added meanwhile keeps its queue whole. A queue that still holds a job (waiting, running, or a failed
 * child kept for diagnosis: the coordinator's `removeOnFail`) is left untouched.
 */
import type { Redis } from 'ioredis';

/** Where a queue keeps jobs; any of these present means the queue is not idle. */
const jobContainers = ['wait', 'paused', 'active', 'prioritized', 'delayed', 'completed', 'failed', 'waiting-children', 'repeat'] as const;

/** BullMQ's per-queue bookkeeping keys (no job data). */
export const queueBookkeepingKeys = ['meta', 'stalled-check', 'events', 'id', 'marker', 'stalled', 'pc', 'limiter'] as const;

/** KEYS = job containers then bookkeeping keys; ARGV[1] = how many containers. -1 when a job remains, else keys deleted. */
const dropIfIdle = `
local containers = tonumber(ARGV[1])
for i = 1, containers do
  if redis.call('EXISTS', KEYS[i]) == 1 then return -1 end
end
local removed = 0
for i = containers + 1, #KEYS do removed = removed + redis.call('DEL', KEYS[i]) end
return removed`;

/**
 * Deletes the bookkeeping keys of queue `queueName` under BullMQ prefix `bullPrefix` (`<p>:bull`) when the queue
 * holds no job; returns how many keys went, or `undefined` when a job remains (nothing deleted).
 */
export async function dropIdleQueueKeys(redis: Redis, bullPrefix: string, queueName: string): Promise<number | undefined> {
  const key = (type: string) => `${bullPrefix}:${queueName}:${type}`;
  const keys = [...jobContainers, ...queueBookkeepingKeys].map(key);
  const removed = (await redis.eval(dropIfIdle, keys.length, ...keys, String(jobContainers.length))) as number;
  return removed < 0 ? undefined : removed;
}
