/**
 * The flow benches' HTTP client: `node:http` over keep-alive connections, one per request in flight (no
 * queue in the client, as with `fetch`), reused once a request is answered. `fetch` (undici with WHATWG
 * streams) cost the tables bench ~6 ms of CPU per flow of seven requests on the two cores it shares with
 * the product; this client about a third of that, so the machine's CPU goes to what is measured.
 */
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 1024 });

export interface JsonAnswer {
  status: number;
  body: any;
  headers: Record<string, string | string[] | undefined>;
}

/** Sends `body` (JSON) or nothing, and parses the answer as JSON (an empty body as null). */
export function sendJson(method: 'GET' | 'POST', url: string, headers: Record<string, string>, body?: unknown): Promise<JsonAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: text === '' ? null : JSON.parse(text), headers: res.headers });
          } catch (error) {
            reject(new Error(`${method} ${url}: ${res.statusCode} answered with a body that is not JSON: ${text.slice(0, 200)}`, { cause: error }));
          }
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** One header's value (the first, when repeated), or null. */
export function header(answer: JsonAnswer, name: string): string | null {
  const value = answer.headers[name.toLowerCase()];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
