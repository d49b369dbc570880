import { FlowProducer, Worker, Queue } from 'bullmq';
import { createRedisClient } from '../adapters/store/redis-connection.ts';
const c = () => createRedisClient('redis://127.0.0.1:6379', 'worker');
const prefix = 'i15lat:bull';
const w1 = new Worker('lat-child', async () => ({ at: Date.now() }), { connection: c(), prefix });
const times: number[] = [];
let resolve: (x: unknown) => void = () => {};
const w2 = new Worker('lat-parent', async (job) => { const v = await job.getChildrenValues(); resolve([Date.now(), v]); }, { connection: c(), prefix });
await w1.waitUntilReady(); await w2.waitUntilReady();
const flow = new FlowProducer({ connection: c(), prefix });
for (let i = 0; i < 10; i++) {
  const t0 = Date.now();
  const p = new Promise((r) => (resolve = r));
  await flow.add({ name: 'p', queueName: 'lat-parent', data: {}, opts: { removeOnComplete: true }, children: [{ name: 'c', queueName: 'lat-child', data: {}, opts: { removeOnComplete: true } }] });
  const [tp, v] = (await p) as [number, Record<string, { at: number }>];
  const child = Object.values(v)[0]!.at;
  console.log('child done', child - t0, 'parent processed', tp - t0);
}
await w1.close(); await w2.close(); await flow.close();
await new Queue('lat-parent', { connection: c(), prefix }).obliterate({ force: true });
await new Queue('lat-child', { connection: c(), prefix }).obliterate({ force: true });
process.exit(0);
