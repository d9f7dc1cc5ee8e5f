/** RFC 9457 problem details with a stable `code`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  traceId?: string;
  [extension: string]: unknown;
}

export function problem(status: number, code: string, title: string, extra: Record<string, unknown> = {}): Problem {
  // Details never override the reserved members (a detail named `status` must not change the status).
  return { ...extra, type: `https://signaalroute.nl/problems/${code.toLowerCase().replace(/[._]/g, '-')}`, title, status, code };
}
