/** Calls to the service with the signed-in token; problem documents (RFC 9457) come back as `ApiError`. */
import type { Problem } from './types.ts';

const storageKey = 'v2g-dashboard-token';

export function savedToken(): string | undefined {
  return sessionStorage.getItem(storageKey) ?? undefined;
}

export function saveToken(token: string | undefined): void {
  if (token === undefined) sessionStorage.removeItem(storageKey);
  else sessionStorage.setItem(storageKey, token);
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? `HTTP ${problem.status}`);
  }

  /** The problem's message for a field (`/body/powerKw` -> `powerKw`), if the service named it. */
  forField(field: string): string | undefined {
    const hits = (this.problem.errors ?? []).filter((e) => e.pointer === `/body/${field}` || e.pointer.startsWith(`/body/${field}/`));
    return hits.length > 0 ? hits.map((e) => e.detail).join('; ') : undefined;
  }
}

export async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (e) {
    throw new ApiError({ status: 0, title: 'The service cannot be reached', detail: e instanceof Error ? e.message : String(e) });
  }
  const text = await response.text();
  const json: unknown = text.length > 0 ? safeJson(text) : undefined;
  if (!response.ok) {
    const p = (typeof json === 'object' && json !== null ? json : {}) as Partial<Problem>;
    throw new ApiError({ ...p, status: response.status, detail: p.detail ?? (text.slice(0, 200) || response.statusText) });
  }
  return json as T;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
