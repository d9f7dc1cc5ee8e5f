import type { FastifyRequest } from 'fastify';
import type { CaseCommand, CaseState } from '#domain';
import type { Database } from '#eventstore';
import { idempotencyKeyHeader, requestKey, type InStatementProcessingLog, type RequestKey, type RequestKeyWindow } from '#platform';
import type { BlindIndex, Principal } from '#security';
import type { CaseCommandOptions, CaseCommandRunner } from './case-command.port.js';
import { parseCaseIfMatch, requestIds } from './case-http.js';
import { CASE_REQUEST_KEYS } from './case-request-key.js';

/** What an HTTP request for a case change needs besides the command. */
export interface CaseRequestDeps {
  readonly runner: CaseCommandRunner;
  readonly db: Database;
  readonly index: BlindIndex;
  readonly keyWindow: RequestKeyWindow;
}

/** The case after the change, or `replayed`: the request was sent before with its key (the caller answers the case as it is now). */
export type CaseRequestOutcome = { replayed: false; state: CaseState } | { replayed: true };

/**
 * One case change asked over HTTP: `If-Match` as the expected version, the request's trace ids and processing log,
 * and its `Idempotency-Key` (the caller's own) recorded in the statement that appends the change. A request sent
 * again with its key within `IDEMPOTENCY_KEY_RETENTION_HOURS` changes nothing (`replayed`); the same key with
 * another request is refused (422 `IDEMPOTENCY.KEY_REUSED`); a refused change records no key. `mayRun` throws
 * when the caller may not make the change now; it is asked after a request sent again has been recognised.
 */
export async function runCaseRequest(
  deps: CaseRequestDeps,
  caseId: string,
  command: CaseCommand,
  principal: Principal,
  ifMatch: string | undefined,
  req: FastifyRequest,
  extra: Partial<CaseCommandOptions> = {},
  mayRun: () => void = () => undefined,
): Promise<CaseRequestOutcome> {
  const expectedVersion = parseCaseIfMatch(ifMatch);
  const key = requestKeyOf(deps.index, req, principal, caseId, command);
  if (key && (await CASE_REQUEST_KEYS.earlier(deps.db, key, deps.keyWindow.expiredBefore()))) return { replayed: true };
  // A request sent again is answered above even when it could not be run now (its own change moved the case on).
  mayRun();
  const ids = requestIds(req);
  const processingLog = (req as FastifyRequest & { processingLog?: InStatementProcessingLog }).processingLog ?? null;
  const rows = key ? [...(extra.rows ?? []), CASE_REQUEST_KEYS.row(key, caseId, deps.keyWindow.now())] : extra.rows;
  try {
    const { state } = await deps.runner.execute(caseId, command, { principal, expectedVersion, traceparent: ids.traceparent, correlationId: ids.correlationId, processingLog, ...extra, rows });
    return { replayed: false, state };
  } catch (error) {
    // The same request at the same moment appended first (this one lost the race for the version or the key).
    if (key && (await CASE_REQUEST_KEYS.earlier(deps.db, key, deps.keyWindow.expiredBefore()))) return { replayed: true };
    throw error;
  }
}

/** The request's `Idempotency-Key` with the hash of the change it names (case and command), or null without one. */
function requestKeyOf(index: BlindIndex, req: FastifyRequest, principal: Principal, caseId: string, command: CaseCommand): RequestKey | null {
  const key = idempotencyKeyHeader(req.headers['idempotency-key']);
  return key === undefined ? null : requestKey(index, principal.subject, key, { caseId, command: JSON.parse(JSON.stringify(command)) });
}
