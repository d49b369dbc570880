/**
 * The live connection: reads GET /v1/events (Server-Sent Events) with fetch, so the token travels in the
 * Authorization header, and reconnects with a capped exponential backoff (1, 2, 4 ... 15 s) while telling the
 * page (`onState`) so it can show "connection lost, retrying". Each `changes` event calls `onChanges`; after a
 * reconnect `onChanges` is called once too (changes may have been missed meanwhile).
 */

export type LiveState = { readonly kind: 'connecting' } | { readonly kind: 'live' } | { readonly kind: 'retrying'; readonly inSeconds: number; readonly reason: string };

export interface Change {
  readonly kind: string;
  readonly siteId?: string;
  readonly id?: string;
}

export interface LiveOptions {
  readonly token: string;
  readonly siteId?: string;
  readonly onChanges: (changes: readonly Change[]) => void;
  readonly onState: (state: LiveState) => void;
  /** The token was refused (401): stop and sign out. */
  readonly onUnauthorized: () => void;
}

/** Starts the connection; returns the function that stops it. */
export function connectLive(options: LiveOptions): () => void {
  let stopped = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let everConnected = false;

  const retry = (reason: string) => {
    if (stopped) return;
    const inSeconds = Math.min(15, 2 ** failures);
    failures++;
    options.onState({ kind: 'retrying', inSeconds, reason });
    timer = setTimeout(() => void run(), inSeconds * 1000);
  };

  const run = async () => {
    if (stopped) return;
    controller = new AbortController();
    options.onState({ kind: 'connecting' });
    try {
      const url = options.siteId === undefined ? '/v1/events' : `/v1/events?siteId=${encodeURIComponent(options.siteId)}`;
      const response = await fetch(url, { headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' }, signal: controller.signal, cache: 'no-store' });
      if (response.status === 401) {
        options.onUnauthorized();
        return;
      }
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          handle(block);
        }
      }
      throw new Error('the service closed the stream');
    } catch (e) {
      if (stopped) return;
      retry(e instanceof Error ? e.message : String(e));
    }
  };

  const handle = (block: string) => {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) event = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
    }
    if (event === 'hello') {
      failures = 0;
      options.onState({ kind: 'live' });
      if (everConnected) options.onChanges([{ kind: 'resync' }]);
      everConnected = true;
    } else if (event === 'changes') {
      const parsed = JSON.parse(data.join('\n')) as { changes?: Change[] };
      options.onChanges(parsed.changes ?? []);
    }
  };

  void run();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    controller?.abort();
  };
}
