/**
 * Optimistic concurrency at the HTTP edge (RFC 9110 section 13.1.1): a site or session answers with
 * `ETag: "<revision>"`; a PUT or PATCH may send `If-Match` with that ETag (or `*`), and the change is
 * then made only if the record is still at that revision, else 412 `V2G_ERR_PRECONDITION_FAILED` and
 * nothing changes. Without If-Match the route re-reads and re-applies its change on a concurrent update
 * (adapters/store/optimistic-update.ts), so no write is lost either way.
 */
import type { FastifyReply } from 'fastify';
import { serviceError } from '../errors.ts';
import { withOptimisticRetry } from '../store/optimistic-update.ts';
import { StoreConflictError } from '../store/store-conflict.ts';

/** What If-Match asks for: any current record (`*`), one of these revisions, or nothing (absent). */
export type IfMatch = { readonly any: true } | { readonly revisions: readonly number[] } | undefined;

const entityTag = /^(?:W\/)?"(\d{1,15})"$/;

/** Parses an If-Match header; a malformed one is a 400 naming `/headers/if-match`. */
export function readIfMatch(header: string | undefined): IfMatch {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (text === '*') return { any: true };
  const revisions: number[] = [];
  for (const part of text.split(',')) {
    const m = entityTag.exec(part.trim());
    if (!m) {
      throw serviceError('V2G_ERR_VALIDATION', `If-Match must be * or ETags as sent in the ETag header, e.g. "3"; got ${JSON.stringify(header)}`, [
        { pointer: '/headers/if-match', detail: 'expected * or a list of "<revision>" ETags' },
      ]);
    }
    revisions.push(Number(m[1]));
  }
  return { revisions };
}

/** Throws 412 when the record at `revision` does not satisfy `ifMatch`. */
export function requireIfMatch(ifMatch: IfMatch, what: string, revision: number): void {
  if (ifMatch === undefined || 'any' in ifMatch || ifMatch.revisions.includes(revision)) return;
  throw serviceError('V2G_ERR_PRECONDITION_FAILED', `${what} is at revision ${revision}, not ${ifMatch.revisions.join(' or ')}: read it again and re-apply the change`, [
    { pointer: '/headers/if-match', detail: `current ETag is "${revision}"` },
  ]);
}

/** Sets `ETag: "<revision>"`. */
export function setEtag(reply: FastifyReply, revision: number): void {
  reply.header('etag', `"${revision}"`);
}

/**
 * Runs a read-modify-write `attempt` (which calls requireIfMatch on what it read and writes with a
 * WriteCondition). With If-Match naming revisions it runs once and a concurrent change is a 412; without
 * it (or with `*`) a concurrent change makes it run again on fresh data.
 */
export async function conditionalUpdate<T>(ifMatch: IfMatch, what: string, attempt: () => Promise<T>): Promise<T> {
  if (ifMatch === undefined || 'any' in ifMatch) return withOptimisticRetry(attempt, { key: what });
  try {
    return await attempt();
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    throw serviceError('V2G_ERR_PRECONDITION_FAILED', `${what} changed while this request was applied (now revision ${error.actualRevision}): read it again and re-apply the change`, [
      { pointer: '/headers/if-match', detail: `current ETag is "${error.actualRevision}"` },
    ]);
  }
}
