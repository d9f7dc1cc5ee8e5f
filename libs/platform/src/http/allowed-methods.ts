/**
 * The routes of an app as Fastify registers them (`GET /v1/cases/:id`), to tell which methods a path takes. Paths
 * match as Fastify's router (find-my-way) matches them with the product's options: segment by segment,
 * case-sensitively and percent-decoded (an encoded `/` stays inside its segment), a trailing or doubled slash is a
 * segment of its own, `:name` is one segment (an empty one too: GET /v1/cases/ is routed to GET /v1/cases/:id), `*`
 * the rest of the path after its slash.
 */
export class AllowedMethods {
  private readonly routes: { method: string; pattern: readonly string[] }[] = [];

  add(method: string | readonly string[], url: string): void {
    const pattern = url.split('/');
    for (const m of typeof method === 'string' ? [method] : method) this.routes.push({ method: m.toUpperCase(), pattern });
  }

  /** The methods of the routes `path` (without its query) matches, in alphabetical order; none for a path no route has. */
  of(path: string): string[] {
    const segments = path.split('/').map(decoded);
    const methods = this.routes.filter((route) => matches(route.pattern, segments)).map((route) => route.method);
    return [...new Set(methods)].sort();
  }
}

function matches(pattern: readonly string[], segments: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const part = pattern[i]!;
    const segment = segments[i];
    if (segment === undefined) return false;
    if (part === '*') return true;
    if (!part.startsWith(':') && part !== segment) return false;
  }
  return pattern.length === segments.length;
}

/** A path segment percent-decoded; one that does not decode (the router refuses it before) as it was sent. */
function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
