/** One server-sent event as a client sees it. */
export interface SseEvent {
  id: string | null;
  event: string | null;
  data: any;
}

export interface SseConnection {
  status: number;
  /** The problem body when the stream was refused. */
  problem: any;
  /** True once the server ended the stream (not when the client closed it). */
  ended: boolean;
  readonly events: SseEvent[];
  waitFor(predicate: (e: SseEvent) => boolean, options?: { count?: number; timeoutMs?: number; what?: string }): Promise<SseEvent[]>;
  close(): void;
}

/** Connects to an SSE endpoint with fetch and parses the stream as it arrives (test helper). */
export async function connectSse(baseUrl: string, path: string, token: string, lastEventId?: string): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(new URL(path, baseUrl), {
    headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream', ...(lastEventId !== undefined ? { 'last-event-id': lastEventId } : {}) },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const connection: SseConnection = {
    status: res.status,
    problem: null,
    ended: false,
    events,
    waitFor(predicate, options = {}) {
      const count = options.count ?? 1;
      const found = () => events.filter(predicate);
      if (found().length >= count) return Promise.resolve(found());
      return new Promise((resolve, reject) => {
        const wake = () => {
          if (found().length < count) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(found());
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`Timed out waiting for ${count} SSE event(s): ${options.what ?? 'predicate'}; got ${events.length}: ${events.map((e) => e.event).join(', ')}`));
        }, options.timeoutMs ?? 20_000);
        waiters.add(wake);
      });
    },
    close: () => controller.abort(),
  };
  if (res.status !== 200) {
    connection.problem = await res.json().catch(() => null);
    return connection;
  }
  void (async () => {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        connection.ended = true;
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const e: SseEvent = { id: null, event: null, data: null };
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) e.id = line.slice(4);
          else if (line.startsWith('event: ')) e.event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length === 0) continue;
        e.data = JSON.parse(data.join('\n'));
        events.push(e);
        for (const wake of [...waiters]) wake();
      }
    }
  })().catch(() => undefined);
  return connection;
}
