/**
 * Where the queue dashboard is mounted and what it shows (queue-dashboard.ts): apart from bull-board, so that the
 * HTTP app knows the path (auth.ts treats it as a browser admin area) without loading bull-board in embedded mode.
 */
import type { Queue } from 'bullmq';

export const queueDashboardPath = '/admin/queues';

/** The BullMQ queues to show and whether their jobs may be changed by hand. */
export interface QueueDashboardOptions {
  readonly queues: readonly Queue[];
  /** Retry, promote, clean and delete buttons; default false (read-only). */
  readonly allowActions?: boolean;
}
